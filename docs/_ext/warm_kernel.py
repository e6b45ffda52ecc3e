"""Start the pages' kernels warm: forked from one process that has already imported.

Every page with code cells runs in a kernel of its own, and each kernel would spend
about a second, before the page's first cell, importing the same modules: IPython
and ipykernel, numpy, histbp, matplotlib, scikit-learn. Over the site's 35 executed
pages that was about a third of the build's CPU time. This extension starts one
*warm* process per build that imports them once and then forks a kernel for each
page. A forked kernel starts with those modules loaded but not yet used, exactly as
they are after a fresh import, and runs every cell of its page as before: the
execution is unchanged (MyST-NB's force mode still runs every cell); only the
imports are shared.

The pieces:

* the Sphinx side (:func:`setup`) starts the warm process when the build begins and
  stops it when the build ends, and tells the kernels where it listens through the
  ``HISTBP_WARM_KERNEL`` environment variable;
* ``python -m warm_kernel -f CONNECTION_FILE``, the command of the site's kernel
  (``docs/_kernel``), is what Jupyter starts for a page. It hands its arguments,
  working directory, environment and standard streams to the warm process, which
  forks the kernel, and then stands in for that kernel: it forwards signals to it
  and exits with it. With no warm process (the variable unset, or nothing listening)
  it becomes an ordinary ``ipykernel`` launcher, so the kernel works anywhere.

Nothing here is needed to read or run a page: it only makes the site's build faster.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

ADDRESS = "HISTBP_WARM_KERNEL"
# Imported once by the warm process. Not ``histbp_inline`` itself: it sets up the
# inline display when imported inside a kernel, so each kernel must import it.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    # What a kernel imports as it starts, after the two above.
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.extensions.storemagic",
    "sqlite3",
    "tornado.platform.asyncio",
    "tornado.queues",
    "numpy",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "histbp_plots",
    "histbp.autodiff",
    "histbp.control",
    "histbp.data",
    "histbp.nets",
    "histbp.optimize",
    "histbp.testing",
    "sklearn.datasets",
)
_STREAMS = (0, 1, 2)


# --- the launcher Jupyter starts for each page ---------------------------------


def launch(argv: list[str]) -> int:
    """Have the warm process fork a kernel for ``argv``, then stand in for it."""
    try:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.connect(os.environ[ADDRESS])
    except (KeyError, OSError):
        cold_argv = [sys.executable, "-m", "ipykernel_launcher", *argv]
        os.execv(sys.executable, cold_argv)
    request = {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}
    socket.send_fds(server, [json.dumps(request).encode() + b"\n"], list(_STREAMS))
    replies = server.makefile("r")
    kernel = int(replies.readline())
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda number, _frame: _forward(kernel, number))
    status = replies.readline()  # empty when the kernel died without a word
    return int(status) if status.strip() else 1


def _forward(kernel: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(kernel, number)


# --- the warm process -------------------------------------------------------------


def serve(address: str) -> None:
    """Listen at ``address``, import :data:`PRELOAD`, then fork a kernel per request."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(64)  # launchers may queue while the imports run
    parent = os.getppid()
    # debugpy (imported by ipykernel.debugger) warns on stderr about frozen modules
    # unless told not to; the debugger is never used here.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    for name in PRELOAD:
        with contextlib.suppress(ImportError):  # a kernel then imports it itself
            __import__(name)
    signal.signal(signal.SIGCHLD, _reap)
    listener.settimeout(1.0)
    while os.getppid() == parent:  # the build has ended if its process is gone
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        connection.settimeout(None)
        if os.fork() == 0:
            listener.close()
            _be_kernel(connection)
        connection.close()


def _reap(_number: int, _frame: object) -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def _be_kernel(connection: socket.socket) -> None:
    """In the forked child: take on the launcher's request and run the kernel."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    message, streams, _, _ = socket.recv_fds(connection, 1 << 16, len(_STREAMS))
    while not message.endswith(b"\n"):  # the request is one line
        message += connection.recv(1 << 16)
    request = json.loads(message)
    for stream, target in zip(streams, _STREAMS, strict=True):
        os.dup2(stream, target)
        os.close(stream)
    os.setsid()  # a session of its own, as Jupyter gives a kernel
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["ipykernel_launcher", *request["argv"]]
    sys.path[0] = os.getcwd()  # as for ``python -m ipykernel_launcher`` run here
    if "numpy" in sys.modules:  # numpy's global generator, seeded afresh per kernel
        sys.modules["numpy"].random.seed()
    connection.sendall(f"{os.getpid()}\n".encode())
    _exit_with(connection)
    status = 0
    try:
        runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        status = 0 if stop.code is None else stop.code
        status = status if isinstance(status, int) else 1
    except BaseException:  # report it as a kernel would, then exit
        import traceback

        traceback.print_exc()
        status = 1
    finally:
        atexit._run_exitfuncs()
        with contextlib.suppress(OSError):
            connection.sendall(f"{status}\n".encode())
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _exit_with(connection: socket.socket) -> None:
    """End the kernel if its launcher goes away (killed by Jupyter, say)."""

    def watch() -> None:
        with contextlib.suppress(OSError):
            while connection.recv(1):
                pass
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


# --- the Sphinx side ----------------------------------------------------------------


def _warm_kernel_spec():
    """The pages' kernel spec (``python3`` on ``JUPYTER_PATH``) if it launches here."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return None
    return spec if __name__ in spec.argv else None


def _start(app) -> None:
    if app.config.nb_execution_mode == "off" or not hasattr(os, "fork"):
        return  # no fork (Windows): the launchers start ordinary kernels
    spec = _warm_kernel_spec()
    if spec is None:
        return
    folder = tempfile.mkdtemp(prefix="histbp-kernel-")
    address = os.path.join(folder, "warm.sock")
    process = subprocess.Popen(
        [sys.executable, "-m", "warm_kernel", "--serve", address],
        env={**os.environ, **spec.env},
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not os.path.exists(address) and time.monotonic() < deadline:
        if process.poll() is not None:
            break
        time.sleep(0.01)
    os.environ[ADDRESS] = address
    app._histbp_warm_kernel = (process, folder)


def _stop(app, _exception: Exception | None) -> None:
    process, folder = getattr(app, "_histbp_warm_kernel", (None, None))
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
    os.environ.pop(ADDRESS, None)
    shutil.rmtree(folder, ignore_errors=True)


def setup(app) -> dict[str, object]:
    app.connect("builder-inited", _start)
    app.connect("build-finished", _stop)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(sys.argv[2])
    else:
        sys.exit(launch(sys.argv[1:]))
