"""Send a loaded graph to a running database.

- `push_sparql`: the SPARQL 1.1 Graph Store Protocol to an endpoint such as Oxigraph's
  ``http://host:7878/store``, into a named graph or the default graph: ``POST`` of N-Triples
  in batches adds to what the graph holds (mamakg graphs have no blank nodes, so cutting the
  triples into batches is safe); with `replace`, one ``PUT`` of every triple replaces the
  graph's content, all at once (a failed request leaves the old graph as it was).
- `push_neo4j`: the Cypher statements of `mamakg.inspect.export.cypher_statements` through the
  official driver, credentials from ``NEO4J_USER`` / ``NEO4J_PASSWORD``.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request

from mamakg.errors import MamakgError, UsageError
from mamakg.inspect.export import cypher_statements
from mamakg.rdf.graph import nt_lines, to_rdf
from mamakg.rdf.load import LoadedGraph

__all__ = ["push_neo4j", "push_sparql"]

_NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def _target(url: str, graph_iri: str | None) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--sparql {url!r}: give the http(s) URL of a Graph Store endpoint")
    query = urllib.parse.urlencode({"graph": graph_iri}) if graph_iri else "default"
    joined = f"{parts.query}&{query}" if parts.query else query
    return urllib.parse.urlunsplit(parts._replace(query=joined))


def push_sparql(graph: LoadedGraph, url: str, *, graph_iri: str | None = None,
                batch_size: int = 5000, replace: bool = False, timeout: float = 60.0) -> int:
    """Send the graph's triples to a Graph Store Protocol endpoint; returns how many were sent.

    Added (``POST``) in batches of `batch_size` triples, each its own request, so a large
    graph never needs one huge body; a failed batch stops the push with the server's reason.
    With `replace`, one ``PUT`` of every triple replaces the target graph's content.
    """
    if batch_size < 1:
        raise UsageError("the batch size must be at least 1")
    target = _target(url, graph_iri)
    lines = nt_lines(to_rdf(graph.facts, graph.run_record, graph.base))
    size = max(len(lines), 1) if replace else batch_size
    for i in range(0, max(len(lines), 1) if replace else len(lines), size):
        body = "".join(lines[i:i + size]).encode("utf-8")
        request = urllib.request.Request(target, data=body, method="PUT" if replace else "POST",
                                         headers={"Content-Type": "application/n-triples"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as err:
            detail = err.read().decode("utf-8", "replace").strip().splitlines()
            raise MamakgError(f"{url} refused triples {i + 1}-{i + len(lines[i:i + size])}: "
                              f"HTTP {err.code} {detail[0] if detail else err.reason}") from err
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise MamakgError(f"cannot reach the SPARQL endpoint {url}: {reason}") from err
    return len(lines)


def push_neo4j(graph: LoadedGraph, uri: str, *, batch_size: int = 500,
               database: str | None = None) -> int:
    """Merge the graph into Neo4j; returns how many statements ran."""
    try:
        import neo4j
        from neo4j import exceptions as neo4j_errors
    except ImportError as err:
        raise MamakgError("pushing to Neo4j needs the neo4j driver: "
                          "pip install 'mamakg[graph]'") from err
    scheme = uri.split("://", 1)[0] if "://" in uri else ""
    if scheme not in _NEO4J_SCHEMES:
        raise UsageError(f"--neo4j {uri!r}: give a bolt:// or neo4j:// URI")
    user = os.environ.get("NEO4J_USER", "neo4j")
    password = os.environ.get("NEO4J_PASSWORD", "")
    statements = list(cypher_statements(graph.facts, graph.base, "neo4j", batch_size))
    try:
        with neo4j.GraphDatabase.driver(uri, auth=(user, password),
                                        connection_timeout=10.0) as driver:
            driver.verify_connectivity()
            with driver.session(database=database) as session:
                for query, params in statements:
                    session.run(query, params).consume()
    except neo4j_errors.ServiceUnavailable as err:
        raise MamakgError(f"cannot reach Neo4j at {uri}: {str(err).splitlines()[0]}") from err
    except neo4j_errors.AuthError as err:
        raise MamakgError(f"Neo4j at {uri} refused user {user!r}: set NEO4J_USER and "
                          "NEO4J_PASSWORD") from err
    except (neo4j_errors.ConfigurationError, ValueError) as err:
        raise UsageError(f"--neo4j {uri!r}: {err}") from err
    except neo4j_errors.Neo4jError as err:
        raise MamakgError(f"Neo4j at {uri} failed: {err.message or err}") from err
    return len(statements)
