"""The exercise notebooks are not nbval tests: the students' ones are meant to fail their checks.

tests/test_exercises.py executes them (students' and solutions) and asserts on the checks' verdicts.
"""

collect_ignore_glob = ["*.ipynb", "**/*.ipynb", "source/*.py"]
