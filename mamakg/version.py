"""The mamakg version, in a module of its own: every module that records it imports it from
here, so none of them imports the `mamakg` package (whose public names import the API)."""

__version__ = "0.1.0"
