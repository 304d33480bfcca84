"""Command line: ``frontlines validate|export|stats|snapshot|briefing|timelapse|html|ingest|merge|app ...``.

``python -m dashboard`` is the same command.

Every command reads the same gazetteer and events as the app; bad input prints
one clear line per problem on stderr and exits non-zero.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn

from dashboard.core import paths
from dashboard.core.files import OutputError, atomic_write, output_kind, writable_target
from dashboard.core.problems import DataError, shown


class UsageError(Exception):
    """Bad command-line input: printed as one line, exit status 2."""


#: Days of events an export or HTML map may show up to its date (the record covers five years).
WINDOW_DAYS = (0, 3650)


def parse_date(text: str) -> dt.date:
    """Parse an ISO date (YYYY-MM-DD) for the command line."""
    from dashboard.core.events import iso_date

    try:
        return iso_date(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {shown(text)} (expected YYYY-MM-DD)") from None


def parse_window(text: str) -> int:
    """Parse ``--window``: whole days within :data:`WINDOW_DAYS`.

    >>> parse_window("30")
    30
    >>> parse_window("-5")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: not a number of days from 0 to 3650: '-5'
    """
    low, high = WINDOW_DAYS
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 9 and low <= int(digits) <= high):
        raise argparse.ArgumentTypeError(f"not a number of days from {low} to {high}: {shown(text)}")
    return int(digits)


def parse_every(text: str) -> str:
    """Check ``--every`` (``month``, ``3M``, ``2W`` ..., at most ten years) and return it as given."""
    from dashboard.core.stats import parse_step

    try:
        parse_step(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def write_output(text: str, out: str | None) -> None:
    """Write to stdout, or atomically to a file (no partial file is ever left)."""
    if out is None or out == "-":
        sys.stdout.write(text)
        return
    try:
        with atomic_write(out) as fh:
            fh.write(text.encode("utf-8"))
    except OutputError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror}") from None


def _load_model(args: argparse.Namespace):
    from dashboard.core.model import ControlModel

    return ControlModel.load(args.events, args.geodata)


def _check_in_range(model, date: dt.date, flag: str) -> dt.date:
    if not model.record.start <= date <= model.record.end:
        raise UsageError(f"{flag} {date} is outside the record ({model.record.start} .. {model.record.end})")
    return date


def cmd_validate(args: argparse.Namespace) -> int:
    from dashboard.core.geography import places_outside
    from dashboard.core.places import read_places
    from dashboard.core.sourcing import sourcing_warnings
    from dashboard.core.validation import read_record

    path = args.path or args.events
    places = Path(args.geodata) / "places.csv"
    gazetteer = read_places(places)
    # Loading never checks where places lie (it has no outlines); validate does.
    record, _, problems = read_record(path, gazetteer)
    problems = places_outside(places, Path(args.geodata)) + problems
    # The hard sourcing rules are among the problems; --strict adds the soft ones.
    warnings = sourcing_warnings(record) if args.strict and record is not None and not problems else []
    for problem in problems:
        print(problem, file=sys.stderr)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if problems or warnings:
        also = f", {len(warnings)} warning(s)" if args.strict else ""
        print(f"{path}: {len(problems)} problem(s){also}", file=sys.stderr)
        return 1
    print(f"{path}: ok")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from dashboard.core import features
    from dashboard.outputs import formats

    if args.date is None and not args.history:
        raise UsageError("export needs --date YYYY-MM-DD or --history")
    if args.date is not None and args.history:
        raise UsageError("use either --date or --history, not both")
    model = _load_model(args)
    if args.history:
        start = _check_in_range(model, args.start or model.record.start, "--from")
        end = _check_in_range(model, args.end or model.record.end, "--to")
        if end < start:
            raise UsageError(f"--to {end} is before --from {start}")
        found = features.history_features(model, start, end, args.window)
    else:
        found = features.date_features(model, _check_in_range(model, args.date, "--date"), args.window)
    frame = _frame(args, model)
    if frame is not None:  # the frame a snapshot with the same --focus or --bbox draws
        found = features.within(found, frame.lonlat_outline())
    write_output(formats.render(found, args.format, model.record.colours), args.out)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from dashboard.core.stats import area_series

    model = _load_model(args)
    start = _check_in_range(model, args.start or model.record.start, "--from")
    end = _check_in_range(model, args.end or model.record.end, "--to")
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    lines = ["date,faction,area_km2"]
    lines += [f"{d.isoformat()},{f},{km2:.1f}" for d, f, km2 in area_series(model, start, end, args.every)]
    write_output("\n".join(lines) + "\n", args.out)
    return 0


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """Parse ``W,S,E,N`` (degrees) for ``--bbox``."""
    try:
        west, south, east, north = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a bbox: {text!r} (expected W,S,E,N in degrees)") from None
    return west, south, east, north


def parse_dates(text: str) -> list[dt.date]:
    """Parse ``D1,D2,...`` for ``--dates``."""
    return [parse_date(part.strip()) for part in text.split(",") if part.strip()]


def _output(out: str, formats: Sequence[str]) -> Path:
    """Check an output path before any work: known extension, existing writable folder."""
    target = Path(out)
    try:
        output_kind(target, formats)
    except OutputError as exc:
        raise UsageError(str(exc)) from None
    try:  # a folder, a device, a read-only file: refused now rather than after the work
        written = writable_target(target)
    except OutputError as exc:
        raise UsageError(str(exc)) from None
    if not os.access(written.parent, os.W_OK):
        raise UsageError(f"cannot write {out}: permission denied")
    return target


def _frame(args: argparse.Namespace, model):
    from dashboard.core.places import UnknownPlace
    from dashboard.outputs.staticmap import Frame, FrameError

    if getattr(args, "bbox", None):
        try:
            return Frame.from_bbox(*args.bbox, geodata=Path(args.geodata))
        except FrameError as exc:
            raise UsageError(str(exc)) from None
    if args.focus:
        try:
            return Frame.around(model.gazetteer.resolve(args.focus))
        except UnknownPlace as exc:
            raise UsageError(f"--focus: {exc}") from None
    return None


def cmd_snapshot(args: argparse.Namespace) -> int:
    from dashboard.outputs.staticmap import FORMATS, draw_map, save_figure

    target = _output(args.out, FORMATS)
    model = _load_model(args)
    date = _check_in_range(model, args.date, "--date")
    compare = _check_in_range(model, args.compare, "--compare") if args.compare else None
    figure = draw_map(model, date, frame=_frame(args, model), compare=compare, title=args.title)
    save_figure(figure, target)
    print(f"wrote {target}", file=sys.stderr)
    return 0


def cmd_briefing(args: argparse.Namespace) -> int:
    from dashboard.outputs.briefing import FORMATS, briefing_pages, pack_dates, write_pack

    if bool(args.dates) == bool(args.every):
        raise UsageError("briefing needs either --dates D1,D2,... or --from/--to with --every STEP")
    if args.start and args.end and args.end < args.start:
        raise UsageError(f"--to {args.end} is before --from {args.start}")
    target = _output(args.out, FORMATS)
    model = _load_model(args)
    try:
        dates = pack_dates(model, args.dates, args.start, args.end, args.every)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    write_pack(model, briefing_pages(model, dates), target, frame=_frame(args, model), title=args.title)
    # A date's events that do not fit continue on a page of their own: count dates, not pages.
    print(f"wrote {target} ({len(dates)} dates)", file=sys.stderr)
    return 0


def cmd_timelapse(args: argparse.Namespace) -> int:
    from dashboard.outputs.timelapse import FORMATS, TimelapseError, frame_dates, save_timelapse

    target = _output(args.out, FORMATS)
    model = _load_model(args)
    start = _check_in_range(model, args.start or model.record.start, "--from")
    end = _check_in_range(model, args.end or model.record.end, "--to")
    if end <= start:
        raise UsageError(f"--to {end} is not after --from {start}")
    try:
        dates = frame_dates(model, start, end, args.every)
    except TimelapseError as exc:
        raise UsageError(f"--every: {exc}") from None
    save_timelapse(model, start, end, args.every, target, frame=_frame(args, model), title=args.title)
    print(f"wrote {target} ({len(dates)} frames)", file=sys.stderr)
    return 0


def cmd_html(args: argparse.Namespace) -> int:
    from dashboard.web.standalone import standalone_html  # folium: loaded only for this command

    target = _output(args.out, ("html",))
    model = _load_model(args)
    start = _check_in_range(model, args.start or model.record.start, "--from")
    end = _check_in_range(model, args.end or model.record.end, "--to")
    if end < start:
        raise UsageError(f"--to {end} is before --from {start}")
    write_output(standalone_html(model, start, end, title=args.title, window=args.window), str(target))
    print(f"wrote {target}", file=sys.stderr)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from dashboard.core.places import read_places
    from dashboard.core.validation import load_record
    from dashboard.ingest.candidate_file import candidates_document
    from dashboard.ingest.candidates import Scope, propose_events
    from dashboard.ingest.dates import find_published
    from dashboard.ingest.reading import ArticleError, read_article_file

    path = Path(args.article)
    try:
        text = read_article_file(path)  # at most 1 MB read, at most MAX_CHARS of text
    except ArticleError as exc:
        raise UsageError(str(exc)) from None
    published = args.published or find_published(text)
    if published is None:
        raise UsageError(f"{path}: no publication date in the text; give it with --published YYYY-MM-DD")
    # Never invented: a missing title or publisher stays empty, and merge refuses it until filled in.
    source = {"title": args.source_title or "", "publisher": args.publisher or "", "date": published,
              "url": args.url}
    gazetteer = read_places(Path(args.geodata) / "places.csv")
    record, _ = load_record(args.events, gazetteer)
    candidates = propose_events(text, gazetteer, published, source, Scope.of(record))
    write_output(candidates_document(candidates, source, published, path.name), args.out)
    print(f"{path}: {len(candidates)} candidate event(s), published {published}"
          + ("" if args.source_title and args.publisher else "; fill in the source's title and publisher"),
          file=sys.stderr)
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from dashboard.core.places import read_places
    from dashboard.ingest.merge import merge_candidates

    gazetteer = read_places(Path(args.geodata) / "places.csv")
    report = merge_candidates(args.candidates, args.into or args.events, gazetteer, dry_run=args.dry_run)
    print(report.summary(), file=sys.stderr)
    if args.dry_run:  # a check before the real merge: any refusal fails it
        return 1 if report.invalid else 0
    return 0 if report.added or not report.invalid else 1


def streamlit_command(streamlit_args: Sequence[str] = ()) -> list[str]:
    """``python -m streamlit run`` on the package's own ``app.py``, then ``streamlit_args`` unchanged.

    The app's Streamlit settings come from ``dashboard/.streamlit/config.toml``, which Streamlit reads
    beside the script it runs whatever the current folder, so nothing is repeated here; arguments
    given here come last and so win (``--server.port 8502``).

    >>> streamlit_command(["--server.port", "8502"])[2:4], streamlit_command()[4].endswith("app.py")
    (['streamlit', 'run'], True)
    """
    return [sys.executable, "-m", "streamlit", "run", str(paths.PACKAGE / "app.py"), *streamlit_args]


def cmd_app(args: argparse.Namespace) -> int:
    """Run the dashboard; ``--events``/``--geodata`` reach it through the environment it reads them from."""
    argv = streamlit_command(args.streamlit_args)
    env = dict(os.environ, FRONTLINES_EVENTS=args.events, FRONTLINES_GEODATA=args.geodata)
    if os.name == "posix":
        # Streamlit takes over this process, so Ctrl+C and a service manager's SIGTERM reach it directly.
        sys.stdout.flush()
        sys.stderr.flush()
        os.execve(sys.executable, argv, env)
    with subprocess.Popen(argv, env=env) as proc:  # elsewhere exec would not keep the console: wait
        try:
            return proc.wait()
        except KeyboardInterrupt:  # the console sent Ctrl+C to Streamlit too: let it stop
            return proc.wait()


class _Parser(argparse.ArgumentParser):
    """Bad arguments get one line (which argument, what is wrong) instead of the whole usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {self.prog.removeprefix('python -m dashboard ')}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m dashboard", description=__doc__.splitlines()[0])
    parser.add_argument("--events", default=str(paths.EVENTS), help="events file (default: %(default)s)")
    parser.add_argument("--geodata", default=str(paths.GEODATA), help="geodata folder (default: %(default)s)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check an events file; list every problem")
    p.add_argument("path", nargs="?", help="events file (default: --events)")
    p.add_argument("--strict", action="store_true",
                   help="also list the soft sourcing rules (README, 'Sources'); warnings fail too")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help="areas, front lines, places and events as GeoJSON, KML or CSV")
    p.add_argument("--date", type=parse_date, help="one date, YYYY-MM-DD")
    p.add_argument("--history", action="store_true", help="every distinct state, with valid_from/valid_to")
    p.add_argument("--from", dest="start", type=parse_date, help="history start (default: record start)")
    p.add_argument("--to", dest="end", type=parse_date, help="history end (default: record end)")
    p.add_argument("--format", default="geojson", choices=("geojson", "kml", "csv"))
    p.add_argument("--window", type=parse_window, default=30,
                   help="days of events up to the date, 0 to 3650 (default: 30)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--focus", help="only the square a snapshot --focus draws around a place")
    where.add_argument("--bbox", type=parse_bbox, help="only what lies within W,S,E,N (degrees)")
    p.add_argument("--out", help="output file (default: stdout)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("stats", help="area per faction over time, as CSV date,faction,area_km2")
    p.add_argument("--from", dest="start", type=parse_date)
    p.add_argument("--to", dest="end", type=parse_date)
    p.add_argument("--every", type=parse_every, default="month",
                   help="day, week, month, quarter, year, or 3M, 2W ... (at most 10 years)")
    p.add_argument("--out", help="output file (default: stdout)")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("snapshot", help="a static map of one date for briefings (PNG, PDF or SVG)")
    p.add_argument("--date", type=parse_date, required=True, help="YYYY-MM-DD")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--focus", help="centre on a place (any name or spelling)")
    where.add_argument("--bbox", type=parse_bbox, help="W,S,E,N in degrees")
    p.add_argument("--compare", type=parse_date, help="outline land that changed hands since this date")
    p.add_argument("--title", help="title above the map")
    p.add_argument("--out", required=True, help="map.png, map.pdf or map.svg")
    p.set_defaults(func=cmd_snapshot)

    p = sub.add_parser("briefing", help="one map page per date, with areas and key events (PDF or PPTX)")
    p.add_argument("--dates", type=parse_dates, help="D1,D2,... (YYYY-MM-DD)")
    p.add_argument("--from", dest="start", type=parse_date, help="first date (default: record start)")
    p.add_argument("--to", dest="end", type=parse_date,
                   help="last date, always a page even off the step (default: record end)")
    p.add_argument("--every", type=parse_every, help="step between dates: 3M, month, 2W, ...")
    p.add_argument("--focus", help="centre every map on a place")
    p.add_argument("--title", help="title of every page")
    p.add_argument("--out", required=True, help="pack.pdf or pack.pptx")
    p.set_defaults(func=cmd_briefing)

    p = sub.add_parser("timelapse", help="a film of control, one map every step (MP4 or GIF)")
    p.add_argument("--from", dest="start", type=parse_date, help="first frame (default: record start)")
    p.add_argument("--to", dest="end", type=parse_date, help="last frame, included (default: record end)")
    p.add_argument("--every", type=parse_every, default="week",
                   help="step between frames: 1D, 1W, 2W, 1M, ... (default: week)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--focus", help="centre on a place (any name or spelling)")
    where.add_argument("--bbox", type=parse_bbox, help="W,S,E,N in degrees")
    p.add_argument("--title", help="title above the map")
    p.add_argument("--out", required=True, help="film.mp4 or film.gif")
    p.set_defaults(func=cmd_timelapse)

    p = sub.add_parser("html", help="one self-contained interactive map with a time slider (no network)")
    p.add_argument("--from", dest="start", type=parse_date, help="first date (default: record start)")
    p.add_argument("--to", dest="end", type=parse_date, help="last date (default: record end)")
    p.add_argument("--window", type=parse_window, default=30,
                   help="days of events shown up to the date, 0 to 3650 (default: 30)")
    p.add_argument("--title", help="title shown on the page")
    p.add_argument("--out", required=True, help="map.html")
    p.set_defaults(func=cmd_html)

    p = sub.add_parser("ingest", help="candidate events from a news article (.txt or .html), for review")
    p.add_argument("article", help="the article file")
    p.add_argument("--published", type=parse_date, help="publication date (default: found in the text)")
    p.add_argument("--source-title", help="the article's title (cited by every candidate)")
    p.add_argument("--publisher", help="who published it")
    p.add_argument("--url", help="where it was published")
    p.add_argument("--out", help="candidates file (default: stdout)")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("merge", help="add reviewed candidates to events.yaml (skips duplicates, invalid)")
    p.add_argument("candidates", help="candidates file (from ingest, reviewed)")
    p.add_argument("--into", help="events file (default: --events)")
    p.add_argument("--dry-run", action="store_true", help="report what would be added; write nothing")
    p.set_defaults(func=cmd_merge)

    p = sub.add_parser("app", allow_abbrev=False, usage="%(prog)s [streamlit run options ...]",
                       help="the dashboard in the browser (streamlit run; its options pass through)",
                       description="Start the dashboard with `streamlit run` on the installed app. Any other "
                                   "argument goes to `streamlit run` unchanged, e.g. --server.port 8502.")
    p.set_defaults(func=cmd_app, passes_through=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (``argv`` defaults to ``sys.argv[1:]``) and return its exit status."""
    parser = build_parser()
    # Only `app` takes arguments it does not know (streamlit run's); any other command refuses them.
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown and not getattr(args, "passes_through", False):
            parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    except SystemExit as exc:  # argparse exits on --help and bad arguments: return its status instead
        return int(exc.code or 0)
    args.streamlit_args = unknown
    try:
        with _sigterm_as_interrupt():
            return args.func(args)
    except (UsageError, OutputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C or SIGTERM: a file being written was left as it was
        signum = exc.signum if isinstance(exc, Terminated) else signal.SIGINT
        print(f"{signal.Signals(signum).name}: stopped; the file being written was left as it was",
              file=sys.stderr)
        return 128 + signum
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as exc:
        print(f"error: {exc.filename or ''}: {exc.strerror}", file=sys.stderr)
        return 2


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the command is, so its clean-up runs (an atomic write's temporary file
    is removed) as it does on Ctrl-C; by default SIGTERM ends Python without running any."""

    def __init__(self, signum: int):
        super().__init__(f"signal {signum}")
        self.signum = signum


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While a command runs, SIGTERM raises :class:`Terminated`; the previous handler comes back after.

    Only the main thread may set signal handlers (``main`` called from elsewhere keeps them as they are).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise Terminated(signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
