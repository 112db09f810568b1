"""Counts in words that read right for one and for many ("1 written answer", "2 written answers")."""


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """The number with the noun in singular for exactly one, plural (noun + "s" unless given) otherwise."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
