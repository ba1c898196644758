"""Shared helpers for NearDup's comparison benchmarks (`compare`, `compare-index`).

Standard library only at import time; numpy is imported lazily by the exact
ground-truth code, which runs inside the benchmark virtual environment.

Contents:
  * the Python tokenizer and shingler used for every Python peer and for the
    exact ground truth (a regex approximation of NearDup's normalizer),
  * corpus reading (JSON Lines with id / title / text),
  * the exact Jaccard join with prefix filtering (ground truth),
  * virtual-environment setup, measured subprocesses (wall clock and peak RSS),
    machine description and Markdown tables.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
VENV_DIR = BENCH_DIR / ".venv"
VENV_PYTHON = VENV_DIR / "bin" / "python"
DATA_DIR = BENCH_DIR / ".data"
DEFAULT_NEARDUP = REPO_ROOT / ".build" / "release" / "neardup"


def log(message: str) -> None:
    """Progress line on stderr (stdout is reserved for the Markdown report)."""
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Tokenizer: a regex approximation of NearDup's normalizer
# --------------------------------------------------------------------------

# NearDup folds the typographic apostrophes to ASCII before tokenizing.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})

# NearDup starts a new token where a lowercase letter is directly followed by
# an uppercase one ("EthermacTuesday" -> "ethermac", "tuesday"). Python's `re`
# has no \p{Ll}/\p{Lu}, so the classes cover Latin-1, Latin Extended-A (the
# even/odd case pairs are not distinguished there, so only ASCII + Latin-1),
# Greek and Cyrillic letters.
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff\u03ac-\u03ce\u0430-\u045f"
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0386-\u03ab\u0400-\u042f"
_GLUE = re.compile(f"(?<=[{_LOWER}])(?=[{_UPPER}])")

# A token is a maximal run of Unicode letters and digits (\w without the
# underscore); an apostrophe stays inside a token when a letter is on both
# sides of it ("don't", "rock'n'roll"), but "90's" splits into "90", "s".
_TOKEN = re.compile(r"(?:[^\W_]|(?<=[^\W\d_])'(?=[^\W\d_]))+")


def tokenize(text: str) -> list[str]:
    """Lowercased tokens of `text`, following NearDup's rules as far as a regex can."""
    text = text.translate(_APOSTROPHES)
    text = _GLUE.sub(" ", text)
    return _TOKEN.findall(text.casefold())


def split_tokenize(text: str) -> list[str]:
    """Lowercased whitespace-separated words, punctuation attached: the tokenizer of
    most MinHash tutorials, and the cheapest one a Python peer can use."""
    return text.lower().split()


# The tokenizers a benchmark can give the Python peers, by name.
TOKENIZERS = {"shared": tokenize, "split": split_tokenize}


def shingles(tokens: list[str], n: int) -> list[str]:
    """Distinct word n-grams of `tokens` joined by spaces.

    A text with fewer than n tokens (but at least one) is a single shingle of
    all its tokens; an empty text has no shingles.
    """
    if len(tokens) < n:
        return [" ".join(tokens)] if tokens else []
    return list({" ".join(gram) for gram in zip(*(tokens[i:] for i in range(n)))})


def document_text(record: dict) -> str:
    """A record's full text: title + "\\n" + text when the title is present."""
    text = record.get("text") or ""
    title = record.get("title")
    if title:
        return f"{title}\n{text}"
    return text


def read_records(path: Path | str, limit: int | None = None) -> Iterator[tuple[str, dict]]:
    """(id, record) for each JSON line of `path`; the id falls back to the line number."""
    with open(path, "rb") as handle:
        count = 0
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            record = json.loads(line)
            doc_id = record.get("id")
            yield (str(doc_id) if doc_id is not None else str(number)), record
            count += 1
            if limit is not None and count >= limit:
                return


def read_shingled(path: Path | str, n: int, tokenizer=tokenize) -> Iterator[tuple[str, list[str]]]:
    """(id, shingles) for each document of a JSON Lines corpus."""
    for doc_id, record in read_records(path):
        yield doc_id, shingles(tokenizer(document_text(record)), n)


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """Lists of up to `size` consecutive items."""
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def corpus_stats(path: Path | str) -> tuple[int, int]:
    """(non-blank lines, bytes) of a JSON Lines file."""
    docs = 0
    with open(path, "rb") as handle:
        for line in handle:
            if line.strip():
                docs += 1
    return docs, os.path.getsize(path)


def write_prefix(source: Path | str, target: Path, limit: int) -> None:
    """Copy the first `limit` non-blank lines of `source` to `target` (for --limit)."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        written = 0
        for line in src:
            if not line.strip():
                continue
            dst.write(line if line.endswith(b"\n") else line + b"\n")
            written += 1
            if written >= limit:
                break


# --------------------------------------------------------------------------
# Exact ground truth: Jaccard join with prefix filtering
# --------------------------------------------------------------------------

class ShingleSets:
    """Documents' shingle sets as sorted arrays of global token ranks.

    Each shingle string is hashed to 64 bits (Python's hash, fixed within one
    process; a collision among tens of millions of shingles has probability
    around 1e-5), then every distinct hash gets a rank by global document
    frequency ascending (ties by hash). A document is the sorted array of its
    ranks, so its first elements are its rarest shingles: the prefix used by
    prefix filtering.
    """

    def __init__(self, shingle_lists: Iterable[list[str]]):
        """`shingle_lists` may be a generator: each document's strings are hashed
        as it arrives and dropped, so memory stays at 8 bytes per shingle."""
        import numpy as np

        hashed = [np.fromiter(map(hash, doc), dtype=np.int64, count=len(doc)) for doc in shingle_lists]
        sizes = np.fromiter((len(h) for h in hashed), dtype=np.int64, count=len(hashed))
        flat = np.concatenate(hashed) if hashed else np.empty(0, dtype=np.int64)
        del hashed
        unique, inverse, counts = np.unique(flat, return_inverse=True, return_counts=True)
        order = np.lexsort((unique, counts))
        rank = np.empty(len(unique), dtype=np.int32)
        rank[order] = np.arange(len(unique), dtype=np.int32)
        ranks = rank[inverse.ravel()]
        doc_of = np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)
        # Sort by (document, rank) in one pass: documents stay contiguous.
        ranks = ranks[np.lexsort((ranks, doc_of))]
        self.ranks = ranks
        self.sizes = sizes
        self.offsets = np.concatenate(([0], np.cumsum(sizes)))

    def __len__(self) -> int:
        return len(self.sizes)

    def doc(self, i: int):
        return self.ranks[self.offsets[i]:self.offsets[i + 1]]


def _prefix_length(size: int, threshold: float) -> int:
    """|x| - ceil(t*|x|) + 1: a set with Jaccard >= t to x shares a token with this prefix."""
    return size - math.ceil(threshold * size - 1e-9) + 1


def _overlap(a, b) -> int:
    import numpy as np
    return int(np.intersect1d(a, b, assume_unique=True).size)


def _meets(overlap: int, size_a: int, size_b: int, threshold: float) -> tuple[bool, float]:
    union = size_a + size_b - overlap
    jaccard = overlap / union if union else 0.0
    return jaccard >= threshold - 1e-12, jaccard


@dataclass
class JoinStats:
    candidates: int = 0
    verified: int = 0
    seconds: float = 0.0


def exact_self_join(sets: ShingleSets, threshold: float, stats: JoinStats | None = None
                    ) -> Iterator[tuple[int, int, float]]:
    """All pairs (i, j, jaccard), i < j, with exact Jaccard >= threshold.

    AllPairs-style: documents are visited by size ascending; each probes an
    inverted index over the prefixes of the documents already visited, keeps
    candidates of size >= ceil(t*|x|), and verifies them exactly.
    """
    import numpy as np

    stats = stats if stats is not None else JoinStats()
    index: dict[int, list[int]] = {}
    for x in np.argsort(sets.sizes, kind="stable").tolist():
        size = int(sets.sizes[x])
        if size == 0:
            continue
        min_size = math.ceil(threshold * size - 1e-9)
        doc = sets.doc(x)
        prefix = doc[:_prefix_length(size, threshold)].tolist()
        candidates: set[int] = set()
        for token in prefix:
            posting = index.get(token)
            if posting is not None:
                candidates.update(posting)
        for y in candidates:
            if sets.sizes[y] < min_size:
                continue
            stats.candidates += 1
            ok, jaccard = _meets(_overlap(doc, sets.doc(y)), size, int(sets.sizes[y]), threshold)
            if ok:
                stats.verified += 1
                yield (min(x, y), max(x, y), jaccard)
        for token in prefix:
            index.setdefault(token, []).append(x)


def exact_rs_join(sets: ShingleSets, stored: int, threshold: float,
                  stats: JoinStats | None = None) -> dict[int, list[tuple[int, float]]]:
    """For each query document q (indexes >= `stored`), the stored documents
    (indexes < `stored`) with exact Jaccard >= threshold.

    Stored documents' prefixes go into an inverted index; each query probes it
    with its own prefix, applies the size filter t*|q| <= |y| <= |q|/t, and
    verifies the survivors exactly.
    """
    stats = stats if stats is not None else JoinStats()
    index: dict[int, list[int]] = {}
    for y in range(stored):
        size = int(sets.sizes[y])
        if size:
            for token in sets.doc(y)[:_prefix_length(size, threshold)].tolist():
                index.setdefault(token, []).append(y)
    result: dict[int, list[tuple[int, float]]] = {}
    for q in range(stored, len(sets)):
        size = int(sets.sizes[q])
        matches: list[tuple[int, float]] = []
        result[q] = matches
        if size == 0:
            continue
        doc = sets.doc(q)
        candidates: set[int] = set()
        for token in doc[:_prefix_length(size, threshold)].tolist():
            posting = index.get(token)
            if posting is not None:
                candidates.update(posting)
        low, high = threshold * size - 1e-9, size / threshold + 1e-9
        for y in candidates:
            other = int(sets.sizes[y])
            if other < low or other > high:
                continue
            stats.candidates += 1
            ok, jaccard = _meets(_overlap(doc, sets.doc(y)), size, other, threshold)
            if ok:
                stats.verified += 1
                matches.append((y, jaccard))
    return result


# --------------------------------------------------------------------------
# Pairs
# --------------------------------------------------------------------------

def normalized(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def read_pair_tsv(path: Path | str) -> set[tuple[str, str]]:
    """Pairs written by the Python workers and the ground truth: `a<TAB>b[<TAB>...]`."""
    pairs = set()
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2:
                pairs.add(normalized(parts[0], parts[1]))
    return pairs


def read_neardup_pairs(path: Path | str) -> set[tuple[str, str]]:
    """NearDup's `--pairs` JSON Lines, with identical-text groups expanded.

    A document whose normalized text repeats an earlier one is written once,
    against the first occurrence, with `"identical": true`; every pair among a
    group's members, and between a member and anything its first occurrence
    pairs with, is implied. Output of NearDup builds that predate the flag is
    read the same way, taking similarity 1.0 as identical (a Jaccard of 1 means
    equal shingle sets, so the expansion is exact either way).
    """
    records = []
    flagged = False
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                flagged = flagged or "identical" in record
                records.append(record)

    def is_identical(record: dict) -> bool:
        if flagged:
            return bool(record.get("identical"))
        return float(record.get("similarity", 0.0)) >= 1.0

    first_of: dict[str, str] = {}
    for record in records:
        if is_identical(record):
            first = first_of.get(record["a"], record["a"])
            first_of[record["b"]] = first
    members: dict[str, list[str]] = {}
    for copy, first in first_of.items():
        members.setdefault(first, [first]).append(copy)

    def group(doc: str) -> list[str]:
        return members.get(first_of.get(doc, doc), [first_of.get(doc, doc)])

    pairs: set[tuple[str, str]] = set()
    for group_members in members.values():
        for i, a in enumerate(group_members):
            for b in group_members[i + 1:]:
                pairs.add(normalized(a, b))
    for record in records:
        if is_identical(record):
            continue
        for a in group(record["a"]):
            for b in group(record["b"]):
                if a != b:
                    pairs.add(normalized(a, b))
    return pairs


def precision_recall(found: set, truth: set) -> tuple[float | None, float | None]:
    hits = len(found & truth)
    precision = hits / len(found) if found else None
    recall = hits / len(truth) if truth else None
    return precision, recall


def rensa_default_bands(threshold: float, num_perm: int) -> int:
    """The band count rensa's RMinHashDeduplicator picks when none is given.

    RMinHashLSH itself has no default, so the benchmark uses the library's own
    rule: 4 bands at t >= 0.9, 8 at >= 0.8, 16 at >= 0.7, 32 at >= 0.5, else
    num_perm / 2, lowered to a divisor of num_perm.
    """
    if threshold >= 0.9:
        bands = 4
    elif threshold >= 0.8:
        bands = 8
    elif threshold >= 0.7:
        bands = 16
    elif threshold >= 0.5:
        bands = 32
    else:
        bands = max(num_perm // 2, 1)
    while num_perm % bands:
        bands -= 1
    return bands


# --------------------------------------------------------------------------
# Virtual environment
# --------------------------------------------------------------------------

def ensure_venv(packages: list[str], script: Path, argv: list[str]) -> None:
    """Create Benchmarks/.venv with `packages` if needed, then re-exec `script` in it.

    Returns only when already running inside the virtual environment.
    """
    import_names = [p.replace("-", "_") for p in packages]
    if not VENV_PYTHON.exists():
        log(f"Creating the virtual environment {VENV_DIR} ...")
        subprocess.run([sys.executable, "-m", "venv", str(VENV_DIR)], check=True)
    if Path(sys.prefix).resolve() != VENV_DIR.resolve():
        probe = subprocess.run([str(VENV_PYTHON), "-c", "import " + ", ".join(import_names)],
                               capture_output=True)
        if probe.returncode != 0:
            log(f"Installing {' '.join(packages)} into {VENV_DIR} (pip) ...")
            subprocess.run([str(VENV_PYTHON), "-m", "pip", "install", "--quiet",
                            "--disable-pip-version-check", *packages], check=True)
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), str(script), *argv])


def package_versions(packages: list[str]) -> dict[str, str]:
    from importlib import metadata
    versions = {}
    for name in packages + ["numpy"]:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


# --------------------------------------------------------------------------
# Measured subprocesses
# --------------------------------------------------------------------------

@dataclass
class Run:
    """Outcome of one measured subprocess."""
    returncode: int
    seconds: float
    max_rss_kib: int
    stdout: str = ""
    stderr: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.returncode == 0

    @property
    def peak_mib(self) -> float:
        return self.max_rss_kib / 1024.0


def run_measured(cmd: list[str], *, env: dict | None = None, stdout_path: Path | None = None,
                 cwd: Path | None = None, retries_busy: int = 3) -> Run:
    """Run `cmd`, returning its wall-clock time and its own peak RSS.

    The peak RSS comes from wait4() on that child alone. Linux carries the
    parent's resident size at fork time into the child's ru_maxrss, so the
    callers keep the measuring process small (no large data loaded while
    tools run). A binary being rewritten (ETXTBSY) is retried after a pause.
    """
    out_handle = open(stdout_path, "wb") if stdout_path else subprocess.PIPE
    try:
        for attempt in range(retries_busy + 1):
            try:
                start = time.perf_counter()
                process = subprocess.Popen(cmd, stdout=out_handle, stderr=subprocess.PIPE,
                                           env=env, cwd=cwd)
                break
            except OSError as exc:
                if exc.errno == errno.ETXTBSY and attempt < retries_busy:
                    log(f"  {cmd[0]} is busy (being rebuilt?); retrying in 20 s")
                    time.sleep(20)
                    continue
                return Run(-1, 0.0, 0, error=f"{type(exc).__name__}: {exc}")
        # Read the pipes before waiting so a chatty child cannot block.
        stdout_data = process.stdout.read() if process.stdout else b""
        stderr_data = process.stderr.read() if process.stderr else b""
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()
        return Run(process.returncode, seconds, usage.ru_maxrss,
                   stdout_data.decode("utf-8", "replace"), stderr_data.decode("utf-8", "replace"))
    finally:
        if stdout_path:
            out_handle.close()


def rayon_env(threads: int) -> dict:
    """Environment for a peer worker: Rust peers (rensa, gaoya) use `threads` Rayon threads."""
    env = dict(os.environ)
    env["RAYON_NUM_THREADS"] = str(threads)
    return env


def current_rss_kib() -> int:
    """Resident set size of this process now (from /proc/self/statm)."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def peak_rss_kib() -> int:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


# --------------------------------------------------------------------------
# Synthetic corpus, machine description, Markdown
# --------------------------------------------------------------------------

def synth_corpus(neardup: Path, docs: int, seed: int) -> Path:
    """Path of a cached `neardup synth` corpus of `docs` documents (generated if missing)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    name = f"synth-{docs}.jsonl" if seed == 1 else f"synth-{docs}-seed{seed}.jsonl"
    path = DATA_DIR / name
    if path.exists() and path.stat().st_size > 0:
        return path
    log(f"Generating {path} with `neardup synth` ...")
    partial = path.with_suffix(".partial")
    result = subprocess.run([str(neardup), "synth", "--docs", str(docs), "--output", str(partial),
                             "--seed", str(seed)], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"`neardup synth` failed ({result.returncode}): {result.stderr.strip()}\n"
                         f"Pass --corpus FILE to use an existing JSON Lines corpus.")
    partial.rename(path)
    return path


def machine_info() -> dict:
    """CPU model, core count and RAM of this machine."""
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram_gib = None
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    ram_gib = int(line.split()[1]) / 1024 / 1024
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(ram_gib, 1) if ram_gib else None,
            "python": sys.version.split()[0], "load_average": os.getloadavg()[0]}


def neardup_version(neardup: Path) -> str:
    try:
        result = subprocess.run([str(neardup), "--version"], capture_output=True, text=True, timeout=30)
        return result.stdout.strip() or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "not available"


def markdown_table(headers: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    """A Markdown table; `align` holds 'l' or 'r' per column."""
    align = align or ["l"] + ["r"] * (len(headers) - 1)
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join(":---" if a == "l" else "---:" for a in align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def fmt_int(value) -> str:
    return "—" if value is None else f"{value:,.0f}"


def fmt_float(value, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def fmt_ratio(value) -> str:
    return "—" if value is None else f"{value:.3f}"
