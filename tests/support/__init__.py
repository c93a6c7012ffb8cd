"""What the tests share: the fixtures plugin (``tests.support.fixtures``, loaded by
``tests/conftest.py``), the commission and its keys, databases, the test PKI, error-shape
checks and document helpers. Test modules import from here, never from each other."""
