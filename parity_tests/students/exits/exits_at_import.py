# A student's file that calls sys.exit while it is imported (a class body runs at import).
import sys


class Settings:
    learning_rate = 0.0075
    sys.exit(3)


def relu(Z):
    return Z * (Z > 0)
