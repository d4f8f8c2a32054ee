"""Prints the sum of the numbers given as arguments: total.py 2 3 37 prints 42."""
import sys

# TODO (learner): add up the numbers in sys.argv[1:].
print(0)
