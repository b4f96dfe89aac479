"""The ``newsgen`` command's entry point (also ``python -m newsgen``); see ``startup``."""
from __future__ import annotations

from .startup import quiet_interrupts_while_starting


def main() -> None:
    """Run the ``newsgen`` command line; Ctrl-C while it loads prints one line (see ``startup``)."""
    quiet_interrupts_while_starting()
    from .cli import main as command

    command()


if __name__ == "__main__":
    main()
