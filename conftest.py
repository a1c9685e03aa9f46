import os

os.environ.setdefault("RENDA_TESTING", "1")
