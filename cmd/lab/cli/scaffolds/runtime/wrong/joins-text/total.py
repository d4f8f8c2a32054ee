"""Prints the sum of the numbers given as arguments: total.py 2 3 37 prints 42."""
import sys

print("".join(sys.argv[1:]) or "0")
