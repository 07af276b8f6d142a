"""mamakg: build knowledge graphs from text with the MAMA method (Wang, Liu & Song 2020).

The pipeline, one module per stage::

    reader -> parse -> attention -> match -> filters -> mapping -> graph -> writers

`mamakg.pipeline` composes the stages; `mamakg.cli` is the command line.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
