"""Contracts that keep up with the code (issue 5): ``extract`` contracts from definitions,
``diff`` registries between revisions, find the ``impact`` of a contract."""
