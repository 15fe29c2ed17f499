"""The workspace index: module names, bindings, classes and signatures of Python files."""
