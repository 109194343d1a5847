#!/usr/bin/python3
# sgr-cells.py - read "tmux capture-pane -e -p" (text with SGR escapes) on
# stdin into cells, and answer questions about the colours of pictures
# drawn in half-blocks (U+2580: foreground the upper pixel, background the
# lower).
#
#   sgr-cells.py box             the bounding box of the half-block cells
#                                with 24-bit colours: "top left bottom right"
#   sgr-cells.py at ROW COL      "fg bg" of a cell as rrggbb (- for default)
#   sgr-cells.py colours LABEL ROWS
#                                the 24-bit colours of half-block cells in
#                                the ROWS lines under the text LABEL, from
#                                LABEL's column to the next label's, sorted
#   sgr-cells.py ascii           the cells with a 24-bit background and a
#                                space, as "count"; and whether U+2580 is there
import re
import sys


def parse(text):
    rows = []
    for line in text.split("\n"):
        cells, fg, bg, i = [], None, None, 0
        while i < len(line):
            m = re.match(r"\x1b\[([0-9;]*)m", line[i:])
            if m:
                p = [int(x) if x else 0 for x in m.group(1).split(";")]
                j = 0
                while j < len(p):
                    v = p[j]
                    if v == 0:
                        fg = bg = None
                    elif v in (38, 48) and j + 1 < len(p) and p[j + 1] == 2:
                        c = "%02x%02x%02x" % tuple(p[j + 2:j + 5])
                        if v == 38:
                            fg = c
                        else:
                            bg = c
                        j += 4
                    elif v in (38, 48) and j + 1 < len(p) and p[j + 1] == 5:
                        c = "i%d" % p[j + 2]
                        if v == 38:
                            fg = c
                        else:
                            bg = c
                        j += 2
                    elif v == 39 or 30 <= v <= 37 or 90 <= v <= 97:
                        fg = None
                    elif v == 49 or 40 <= v <= 47 or 100 <= v <= 107:
                        bg = None
                    j += 1
                i += m.end()
                continue
            m = re.match(r"\x1b[^a-zA-Z]*[a-zA-Z]", line[i:])
            if m:
                i += m.end()
                continue
            cells.append((line[i], fg, bg))
            i += 1
        rows.append(cells)
    return rows


def block(c):
    return c[0] == "\u2580" and c[1] is not None and not c[1].startswith("i")


def main():
    rows = parse(sys.stdin.read())
    cmd = sys.argv[1]
    if cmd == "box":
        pts = [(r, c) for r, row in enumerate(rows) for c, cell in enumerate(row) if block(cell)]
        if not pts:
            print("none")
            return
        print(min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts),
              max(p[1] for p in pts))
    elif cmd == "at":
        r, c = int(sys.argv[2]), int(sys.argv[3])
        cell = rows[r][c] if r < len(rows) and c < len(rows[r]) else (" ", None, None)
        print(cell[1] or "-", cell[2] or "-")
    elif cmd == "colours":
        label, n = sys.argv[2], int(sys.argv[3])
        for r, row in enumerate(rows):
            text = "".join(c[0] for c in row)
            k = text.find(" " + label + " ")
            if k < 0:
                continue
            # The tile spans from the label to the next label on its line.
            end = len(text)
            for m in re.finditer(r"(?<=\s)\S+ (on|off|unknown) ", text):
                if m.start() > k + 1:
                    end = m.start() - 1
                    break
            seen = set()
            for rr in range(r + 1, min(r + 1 + n, len(rows))):
                for cell in rows[rr][k:end]:
                    if block(cell):
                        seen.add(cell[1])
                        seen.add(cell[2])
            print(" ".join(sorted(seen)))
            return
        print("no label")
    elif cmd == "ascii":
        n = sum(1 for row in rows for c in row if c[0] == " " and c[2] and not c[2].startswith("i"))
        half = any(c[0] == "\u2580" for row in rows for c in row)
        print(n, "halfblocks" if half else "nohalfblocks")


main()
