.PHONY: run test lint bench previews setup

setup:
	./scripts/setup

run:
	./scripts/serve

test:
	./scripts/test

lint: setup
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .
	.venv/bin/mypy forms generator signing verify registry workflow api tests bench

bench: setup
	.venv/bin/python -m bench

previews: setup
	.venv/bin/python -m bench.previews
