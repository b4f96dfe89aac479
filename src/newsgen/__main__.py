"""The ``newsgen`` command's entry point (also ``python -m newsgen``); see ``startup``."""
from __future__ import annotations

from .startup import leave_without_sweeping, quiet_interrupts_while_starting


def main() -> None:
    """Run the ``newsgen`` command line; Ctrl-C while it loads prints one line (see ``startup``)."""
    quiet_interrupts_while_starting()
    from .cli import main as command

    try:
        command()
    finally:
        leave_without_sweeping()


if __name__ == "__main__":
    main()
