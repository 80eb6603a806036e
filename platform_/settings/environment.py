"""The environment settings are read from (django-environ), with `.env` beside the
project read first when present; shared by base.py and business.py."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
