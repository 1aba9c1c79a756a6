"""Input fuzzing at the API level: mutated real pages and generated junk through `explain`
and `explain_html`, each input in a watched child process. No crash, no hang, every input
accounted for.

    python bench/fuzz_inputs.py [--inputs N] [--seed S] [--timeout SEC] [--slow SEC]
                                [--pages-per-dataset P] [--out DIR] [--only INDEX]

Seeds: the fixtures (`fixtures/`: articles, negative texts, HTML pages, the site corpus) and,
when the shared data is there (`$CLEANER_DATA_DIR`, else `<repo>/../shared/data`), the first
`--pages-per-dataset` pages of each dataset: their HTML, the gold text, and the page as our
walk flattens it. Input `i` of seed `S` is built from `random.Random(f"{S}:{i}")` alone: one to
three mutations (truncate, splice two pages, duplicate a region, delete or insert tags, flip
bytes, insert NUL and invalid UTF-8, a huge line, 10,000 nested divs, broken entities, mixed
line endings) of a seed page, or an input generated from nothing (random bytes, random
Unicode, random tag soup). It goes to the default Cleaner or a rules-only one, as text
(decoded with `replace` or `surrogateescape`) or as HTML (bytes or str, backend `fast`
mostly, sometimes `trafilatura` or `guided`).

One child process runs the inputs (forked, so the models load once); the parent waits
`--timeout` seconds per input. An exception (or a child that dies) is a crash, a timeout a
hang: the child is replaced, the input is written to `--out` (default: a new temp folder)
with its seed, and the run goes on. Every input ends as ok, crash or hang, and the table
says how many of each, how many took over `--slow` seconds, the slowest, and inputs/s.
`--only INDEX` reruns one input in this process (a failure's traceback, under a debugger).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from multiprocessing.connection import Connection
from pathlib import Path

try:
    import cleaner
except ImportError:  # run from a checkout that was not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import cleaner

from cleaner.html.walk import page_blocks
from cleaner.training.datasets import dataset_names, default_data_dir, iter_pages

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# Inputs are capped at this size: a mutation that would grow past it is cut back.
MAX_BYTES = 4_000_000
TAGS = (
    b"div", b"p", b"span", b"a", b"li", b"ul", b"table", b"tr", b"td", b"h2", b"br", b"pre",
    b"script", b"style", b"noscript", b"nav", b"article", b"button", b"iframe", b"svg",
    b"template", b"textarea", b"select", b"math", b"title", b"frameset", b"plaintext",
)  # fmt: skip
JUNK = (
    b"\x00", b"\xff", b"\xfe\xff", b"\xc3", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xef\xbb\xbf",
    b"\r", b"\x0b", b"\x0c", b"\x1c", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\x8b", b"\x7f",
)  # fmt: skip
ENTITIES = (
    b"&amp", b"&#x110000;", b"&#0;", b"&#xD800;", b"&nbsp", b"&;", b"&#", b"&#x;", b"&lt",
    b"&#99999999999;", b"&unknown;", b"&amp;amp;", b"&#x1F600;",
)  # fmt: skip
PROGRESS_EVERY = 5_000
LINE_BREAKS = (b"\r\n", b"\r", b"\n\n", b"\xe2\x80\xa8", b"\x0b", b"\xc2\x85", b"\x1e")


@dataclass(frozen=True)
class Seeds:
    """The pages inputs are made from: HTML pages and texts, as UTF-8 bytes."""

    html: tuple[bytes, ...]
    text: tuple[bytes, ...]


@dataclass(frozen=True)
class Case:
    """One input and how it is called: `mode` "text" or "html"; `payload` str or bytes;
    `model` False for the rules-only Cleaner; `backend` for HTML; `recipe` says how it was
    made (for the report)."""

    index: int
    mode: str
    payload: str | bytes
    model: bool
    backend: str | None
    recipe: tuple[str, ...]


def fixture_seeds() -> Seeds:
    """The fixtures: every HTML page and every text under `fixtures/`."""
    html = tuple(p.read_bytes() for p in sorted(FIXTURES.rglob("*.html")))
    text = tuple(p.read_bytes() for p in sorted(FIXTURES.rglob("*.txt")))
    return Seeds(html, text)


def data_seeds(per_dataset: int, data_dir: Path | None = None) -> Seeds:
    """The first `per_dataset` pages of each dataset in the shared data: HTML, gold text and
    the page as our walk flattens it (one block per line). Empty when the data is absent."""
    directory = data_dir or default_data_dir()
    if not directory.is_dir():
        return Seeds((), ())
    html: list[bytes] = []
    text: list[bytes] = []
    for name in dataset_names(directory):
        for number, page in enumerate(iter_pages(directory / f"{name}.jsonl.gz")):
            if number >= per_dataset:
                break
            html.append(page.html.encode("utf-8", "surrogatepass"))
            text.append(page.gold.encode("utf-8", "surrogatepass"))
            flat = "\n".join(block.text for block in page_blocks(page.html))
            text.append(flat.encode("utf-8", "surrogatepass"))
    return Seeds(tuple(html), tuple(text))


def _span(rng: random.Random, data: bytes) -> tuple[int, int]:
    start = rng.randrange(len(data) + 1)
    return start, min(len(data), start + rng.randrange(1, 4096))


def truncate(rng: random.Random, data: bytes, other: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)]


def splice(rng: random.Random, data: bytes, other: bytes) -> bytes:
    return data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1) :]


def duplicate(rng: random.Random, data: bytes, other: bytes) -> bytes:
    start, end = _span(rng, data)
    return data[:end] + data[start:end] * rng.randrange(1, 64) + data[end:]


def delete_tags(rng: random.Random, data: bytes, other: bytes) -> bytes:
    for _ in range(rng.randrange(1, 20)):
        start = data.find(b"<", rng.randrange(len(data) + 1))
        end = data.find(b">", start)
        if start < 0 or end < 0:
            break
        data = data[:start] + data[end + 1 :]
    return data


def random_tag(rng: random.Random) -> bytes:
    name = rng.choice(TAGS)
    if rng.random() < 0.3:
        return b"</" + name + b">"
    attrs = b""
    if rng.random() < 0.3:
        attrs = b' class="' + rng.choice((b"ad", b"nav", b"article", b"x" * 100_000)) + b'"'
    return b"<" + name + attrs + (b" /" if rng.random() < 0.1 else b"") + b">"


def insert_tags(rng: random.Random, data: bytes, other: bytes) -> bytes:
    for _ in range(rng.randrange(1, 20)):
        at = rng.randrange(len(data) + 1)
        data = data[:at] + random_tag(rng) + data[at:]
    return data


def flip_bytes(rng: random.Random, data: bytes, other: bytes) -> bytes:
    if not data:
        return data
    flipped = bytearray(data)
    for _ in range(rng.randrange(1, 64)):
        flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
    return bytes(flipped)


def insert_junk(rng: random.Random, data: bytes, other: bytes) -> bytes:
    for _ in range(rng.randrange(1, 32)):
        at = rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice(JUNK) * rng.randrange(1, 8) + data[at:]
    return data


def huge_line(rng: random.Random, data: bytes, other: bytes) -> bytes:
    piece = rng.choice((b"word ", b"x", b"Advertisement ", b"\xc2\xa0", b"<b>a</b>"))
    at = rng.randrange(len(data) + 1)
    return data[:at] + piece * rng.randrange(10_000, 400_000) + data[at:]


def nest_divs(rng: random.Random, data: bytes, other: bytes) -> bytes:
    start, end = _span(rng, data)
    depth = rng.choice((100, 1_000, 10_000))
    closing = b"</div>" * depth if rng.random() < 0.5 else b""
    return data[:start] + b"<div>" * depth + data[start:end] + closing + data[end:]


def broken_entities(rng: random.Random, data: bytes, other: bytes) -> bytes:
    for _ in range(rng.randrange(1, 32)):
        at = rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice(ENTITIES) + data[at:]
    return data


def line_endings(rng: random.Random, data: bytes, other: bytes) -> bytes:
    return data.replace(b"\n", rng.choice(LINE_BREAKS))


Mutation = Callable[[random.Random, bytes, bytes], bytes]
MUTATIONS: tuple[tuple[str, Mutation], ...] = (
    ("truncate", truncate),
    ("splice", splice),
    ("duplicate", duplicate),
    ("delete-tags", delete_tags),
    ("insert-tags", insert_tags),
    ("flip-bytes", flip_bytes),
    ("insert-junk", insert_junk),
    ("huge-line", huge_line),
    ("nest-divs", nest_divs),
    ("broken-entities", broken_entities),
    ("line-endings", line_endings),
)


def generated(rng: random.Random) -> tuple[str, bytes]:
    """An input made from nothing: random bytes, random Unicode (surrogates excluded, as
    UTF-8 cannot carry them), or random tag soup with text, entities and junk."""
    kind = rng.choice(("bytes", "unicode", "soup"))
    size = rng.choice((0, 1, 10, 1_000, 50_000))
    if kind == "bytes":
        return kind, rng.randbytes(size)
    if kind == "unicode":
        chars = (chr(rng.randrange(0x110000)) for _ in range(size))
        return kind, "".join(c for c in chars if not 0xD800 <= ord(c) < 0xE000).encode()
    pieces = (rng.choice(TAGS), b"word ", b"Advertisement\n", b"ok. ", *JUNK, *ENTITIES)
    soup = bytearray()
    while len(soup) < size:
        soup += random_tag(rng) if rng.random() < 0.4 else rng.choice(pieces)
    return kind, bytes(soup)


def make_case(seed: int, index: int, seeds: Seeds) -> Case:
    """Input `index` of run `seed`: a function of those two (and the seeds) alone."""
    rng = random.Random(f"{seed}:{index}")
    mode = rng.choice(("text", "html"))
    pool = seeds.html if mode == "html" and seeds.html else seeds.text or seeds.html
    if not pool or rng.random() < 0.1:
        kind, data = generated(rng)
        recipe = [f"generated-{kind}"]
    else:
        data = rng.choice(pool)
        recipe = []
        for _ in range(rng.randrange(1, 4)):
            name, mutate = rng.choice(MUTATIONS)
            data = mutate(rng, data, rng.choice(pool))[:MAX_BYTES]
            recipe.append(name)
    backend = None
    payload: str | bytes
    if mode == "text":
        errors = rng.choice(("replace", "surrogateescape"))
        payload = data.decode("utf-8", errors)
        recipe.append(f"decode-{errors}")
    else:
        payload = data if rng.random() < 0.5 else data.decode("utf-8", "replace")
        roll = rng.random()
        backend = "trafilatura" if roll < 0.03 else "guided" if roll < 0.06 else "fast"
    return Case(index, mode, payload, rng.random() < 0.7, backend, tuple(recipe))


def check(case: Case) -> None:
    """Run one case through the API and check what holds for any input: a str comes back,
    and every removal names a line of the document (and a span inside that line)."""
    subject = cleaner.api.default_cleaner() if case.model else rules_only()
    if case.mode == "text":
        assert isinstance(case.payload, str)
        cleaned = subject.explain(case.payload)
    else:
        cleaned = subject.explain_html(case.payload, backend=case.backend)
    assert isinstance(cleaned.text, str)
    lines = cleaned.document.lines
    for removal in cleaned.removals:
        assert 0 <= removal.line < len(lines), f"removal of line {removal.line} of {len(lines)}"
        if removal.span is not None:
            start, end = removal.span
            assert 0 <= start < end <= len(lines[removal.line]), f"span {removal.span}"


@cache
def rules_only() -> cleaner.Cleaner:
    """The rules-only Cleaner (no model: the tail rules and other paths run), built once."""
    return cleaner.Cleaner(model=None)


def save_case(case: Case, seed: int, directory: Path, error: str) -> Path:
    """Write the input (bytes as given, or UTF-8 with surrogates escaped) and a JSON note of
    how to call it and what went wrong; returns the input's path."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"seed{seed}-input{case.index}-{case.mode}"
    payload = case.payload
    data = payload if isinstance(payload, bytes) else payload.encode("utf-8", "surrogateescape")
    path = directory / f"{stem}.bin"
    path.write_bytes(data)
    note = {
        "seed": seed,
        "index": case.index,
        "mode": case.mode,
        "as_bytes": isinstance(payload, bytes),
        "model": case.model,
        "backend": case.backend,
        "recipe": list(case.recipe),
        "error": error,
        "rerun": f"python bench/fuzz_inputs.py --seed {seed} --only {case.index}",
    }
    (directory / f"{stem}.json").write_text(json.dumps(note, indent=1), encoding="utf-8")
    return path


def child(conn: Connection, seed: int, seeds: Seeds) -> None:
    """The worker: runs the inputs the parent names, answers (index, seconds, error)."""
    while True:
        index = conn.recv()
        if index is None:
            return
        case = make_case(seed, index, seeds)
        start = time.perf_counter()
        error = None
        try:
            check(case)
        except BaseException as failure:  # a Rust panic is a BaseException (PanicException)
            if isinstance(failure, KeyboardInterrupt):
                raise
            error = "".join(traceback.format_exception(failure))
        conn.send((index, time.perf_counter() - start, error))


@dataclass
class Tally:
    """Every input's outcome, counted: ok + crashes + hangs == inputs."""

    inputs: int = 0
    ok: int = 0
    crashes: int = 0
    hangs: int = 0
    slow: int = 0
    slowest: float = 0.0
    slowest_index: int = -1

    def table(self, seconds: float, slow: float) -> str:
        rate = self.inputs / seconds if seconds else 0.0
        return "\n".join(
            (
                f"| inputs | ok | crashes | hangs | over {slow:g} s | slowest (s) | inputs/s |",
                "|---:|---:|---:|---:|---:|---:|---:|",
                f"| {self.inputs} | {self.ok} | {self.crashes} | {self.hangs} | {self.slow} "
                f"| {self.slowest:.2f} (input {self.slowest_index}) | {rate:.1f} |",
            )
        )


class Watched:
    """One forked worker the parent can wait on with a timeout and replace."""

    def __init__(self, seed: int, seeds: Seeds) -> None:
        context = multiprocessing.get_context("fork")
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=child, args=(theirs, seed, seeds), daemon=True)
        self.process.start()
        theirs.close()

    def run(self, index: int, timeout: float) -> tuple[str, float, str | None]:
        """("ok" | "crash" | "hang", seconds, error) of input `index`."""
        start = time.perf_counter()
        self.conn.send(index)
        if not self.conn.poll(timeout):
            return "hang", time.perf_counter() - start, f"no answer within {timeout:g} s"
        try:
            _, seconds, error = self.conn.recv()
        except EOFError:
            code = self.process.exitcode
            return "crash", time.perf_counter() - start, f"worker died (exit code {code})"
        return ("ok" if error is None else "crash"), seconds, error

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


def run(
    seed: int, indexes: Sequence[int], seeds: Seeds, timeout: float, slow: float, out: Path
) -> Tally:
    """Every input in `indexes`, watched; failures saved to `out` and printed."""
    tally = Tally()
    cleaner.api.default_cleaner()  # built before forking: each worker starts warm
    rules_only()
    worker = Watched(seed, seeds)
    for index in indexes:
        outcome, seconds, error = worker.run(index, timeout)
        tally.inputs += 1
        if tally.inputs % PROGRESS_EVERY == 0:
            print(
                f"  {tally.inputs} inputs, {tally.crashes} crashes, {tally.hangs} hangs, "
                f"slowest {tally.slowest:.2f} s",
                flush=True,
            )
        tally.slow += seconds > slow
        if seconds > tally.slowest:
            tally.slowest, tally.slowest_index = seconds, index
        if outcome == "ok":
            tally.ok += 1
            continue
        tally.crashes += outcome == "crash"
        tally.hangs += outcome == "hang"
        case = make_case(seed, index, seeds)
        path = save_case(case, seed, out, error or "")
        print(f"{outcome.upper()} seed {seed} input {index} {case.recipe}: {path}", flush=True)
        print(error, flush=True)
        if outcome == "hang" or not worker.process.is_alive():
            worker.stop()
            worker = Watched(seed, seeds)
    worker.conn.send(None)
    worker.stop()
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=10.0, help="a hang: seconds per input")
    parser.add_argument("--slow", type=float, default=2.0, help="count inputs over this")
    parser.add_argument("--pages-per-dataset", type=int, default=40)
    parser.add_argument("--out", type=Path, help="failing inputs go here (default: temp)")
    parser.add_argument("--only", type=int, help="run input ONLY in this process, and stop")
    args = parser.parse_args(argv)
    fixtures, data = fixture_seeds(), data_seeds(args.pages_per_dataset)
    seeds = Seeds(fixtures.html + data.html, fixtures.text + data.text)
    if not data.html:
        print(f"shared data not found under {default_data_dir()}: fixtures only", flush=True)
    if args.only is not None:
        case = make_case(args.seed, args.only, seeds)
        print(f"input {args.only}: {case.mode} {case.recipe} backend={case.backend}")
        check(case)
        print("ok")
        return 0
    out = args.out or Path(tempfile.mkdtemp(prefix="fuzz-inputs-"))
    print(
        f"seed {args.seed}: {args.inputs} inputs from {len(seeds.html)} HTML pages and "
        f"{len(seeds.text)} texts; failures to {out}",
        flush=True,
    )
    start = time.perf_counter()
    tally = run(args.seed, range(args.inputs), seeds, args.timeout, args.slow, out)
    print(tally.table(time.perf_counter() - start, args.slow))
    assert tally.ok + tally.crashes + tally.hangs == tally.inputs == args.inputs
    return 1 if tally.crashes or tally.hangs else 0


if __name__ == "__main__":
    sys.exit(main())
