"""A jieba tokenizer of our own, with the domain's words and a cache we control.

jieba's global tokenizer writes its cache to the system temp directory and is shared with
whatever else imports jieba. Ours merges jieba's dictionary with the domain vocabulary into
one dictionary file in our cache directory; jieba then caches its prefix dictionary beside it,
so a warm start loads one marshal file instead of re-adding thousands of words.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

DEFAULT_CACHE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hotline-12330"
_WORD_FREQ = 200_000
_LATIN_WORD = re.compile(r"([a-z][a-z'\-]*[a-z]|[a-z])")


class DomainTokenizer:
    def __init__(self, words: Iterable[str], cache_dir: Path | None = None) -> None:
        import jieba  # imported here: loading jieba is start-up work, not import-time work

        jieba.setLogLevel(logging.WARNING)
        self._cache_dir = Path(cache_dir or DEFAULT_CACHE_DIR)
        self._cache_dir.mkdir(parents=True, exist_ok=True)
        dictionary = self._merged_dictionary(sorted(set(words)), jieba)
        self._jieba = jieba.Tokenizer(dictionary=str(dictionary))
        self._jieba.tmp_dir = str(self._cache_dir)
        self._jieba.initialize()

    def _merged_dictionary(self, words: list[str], jieba: object) -> Path:
        base = Path(os.path.dirname(jieba.__file__)) / "dict.txt"  # type: ignore[attr-defined]
        digest = hashlib.sha1("\n".join(words).encode("utf-8"))
        digest.update(str(base.stat().st_size).encode())
        target = self._cache_dir / f"dict-{digest.hexdigest()[:16]}.txt"
        if target.exists():
            return target
        extra = "".join(f"{w} {_WORD_FREQ}\n" for w in words if w and " " not in w)
        fd, tmp = tempfile.mkstemp(dir=self._cache_dir, suffix=".tmp")
        main = base.read_text(encoding="utf-8")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(main if main.endswith("\n") else main + "\n")
            out.write(extra)
        os.replace(tmp, target)
        return target

    def tokens(self, cleaned: str) -> list[str]:
        """Tokens of already-cleaned (lower-case) text, without white space.

        Latin words are split off first: jieba would run them through its dictionary and cut
        "china" around the user word "hi".
        """
        out: list[str] = []
        for n, part in enumerate(_LATIN_WORD.split(cleaned)):
            if n % 2:
                out.append(part)
            elif part and not part.isspace():
                out.extend(t for t in self._jieba.lcut(part, HMM=False) if not t.isspace())
        return out
