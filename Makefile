.PHONY: run test lint bench previews setup fidelity

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
	.venv/bin/lint-imports

bench: setup
	.venv/bin/python -m bench

previews: setup
	.venv/bin/python -m bench.previews

fidelity: setup
	.venv/bin/python scripts/fidelity
