"""The bytes-first prefilter (``contract_lsp.index.mentions``): whole identifiers only,
the same answer whether it screens word by word or with one regex (many words)."""

from __future__ import annotations

import pytest

from contract_lsp.index.mentions import Mentions, _aliases

FEW = ["Thread", "rmtree"]
MANY = [f"Handler{i}" for i in range(12)] + ["Thread", "rmtree", "Shelf"]


@pytest.mark.parametrize("words", [FEW, MANY], ids=["few words", "many words"])
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (b"t = Thread(target=f)\n", True),
        (b"import shutil\nshutil.rmtree(p)\n", True),
        (b"from threading import Thread as T\n", True),
        (b"t = ThreadPool()\n", False),  # a longer identifier is another name
        (b"t = MyThread()\n", False),
        (b"x = rmtree_all\n", False),
        (b"x = 1\n", False),
        (b"", False),
        (b"Thread", True),  # at both ends of the data
    ],
)
def test_whole_identifiers_only(words, source, expected):
    assert Mentions(words)(source) is expected


def test_many_words_match_any_of_them():
    mentions = Mentions(MANY)
    assert mentions(b"class X(Handler11):\n    pass\n")
    assert mentions(b"db = Shelf(d)\n")
    assert not mentions(b"class X(Handler12):\n    pass\n")
    assert not mentions(b"BsdDbShelf(d)\n")


def test_lines_are_one_based_and_count_every_line_break():
    mentions = Mentions(FEW)
    assert mentions.lines("a = 1\r\nt = Thread()\rshutil.rmtree(p)\nThreadPool()\n") == {2, 3}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (b"from pkg.mid import Mid\nm = Mid()\nprint(Mid)\n", False),  # a use: no subclass can start here
        (b"class Leaf(Mid):\n    pass\n", True),
        (b"class Leaf(\n    mid.Mid,\n):\n    pass\n", True),
        (b"from pkg.mid import Mid as M\n", True),
        (b"Base = pkg.mid.Mid\n", True),
        (b"x = MidWay()\nclass A(Middle):\n    pass\n", False),
        (b"t = Thread()\n", True),  # a word counts anywhere
    ],
)
def test_implementation_classes_count_only_where_a_subclass_could_start(source, expected):
    assert Mentions(["Thread"], classes=["Mid"])(source) is expected


@pytest.mark.parametrize("words", [FEW, MANY], ids=["few words", "many words"])
def test_occurrences_are_whole_identifiers_in_order(words):
    data = b"t = Thread()\nThreadPool(); MyThread()\nshutil.rmtree(p)  # Thread\n"
    assert Mentions(words).occurrences(data) == [(4, "Thread"), (45, "rmtree"), (58, "Thread")]


@pytest.mark.parametrize("words", [FEW, MANY], ids=["few words", "many words"])
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (b"from threading import Thread as T\n", {"T": "Thread"}),
        (b"from threading import Thread\tas\tT\n", {"T": "Thread"}),
        (b"from threading import (\n    Thread  as T,\n    rmtree as rm,\n)\n", {"T": "Thread", "rm": "rmtree"}),
        (b"import x as Thread\n", {}),  # an alias *named* like a word binds something else
        (b"from threading import MyThread as T\n", {}),
        (b"with Thread() as t:\n    pass\n", {}),  # not an import
        (b"from m import Thread as_ of\n", {}),
    ],
)
def test_import_aliases_of_words(words, source, expected):
    assert _aliases(source, frozenset(words)) == expected
