"""The Chinese exercise notebooks are not nbval tests either: the students' ones are meant to fail their checks.

They are built, like the English ones, from notebooks/exercises/source/ by tools/build_exercises.py;
tests/test_exercises.py checks them.
"""

collect_ignore_glob = ["*.ipynb", "**/*.ipynb"]
