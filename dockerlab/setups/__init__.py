"""Anyone's containers and Compose files, read only, predicted and measured."""
