"""Prints the sum of the numbers given as arguments: total.py 2 3 37 prints 42."""
import sys

print(sum(int(arg) for arg in sys.argv[1:]))
