"""The tutorial: lessons, exercises and the learner's copy."""
