"""Argon2 as the platforms use it, with the least work the algorithm allows: the single-platform suites create and
sign in thousands of users, and at the platforms' 100 MiB per hash that alone took minutes of CI. The hashes are
still argon2 hashes, checked by the same code; only their cost differs (tests/conftest.py)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8
    parallelism = 1
