"""Writes a static site for `make bench-crawl`: PAGES pages under FOLDER,
each linking to 8 others, with DEAD known dead links (to pages that do not
exist), and prints the dead URLs' paths, one per line, to dead.txt."""
import os
import random
import sys

folder, pages, dead = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(20261125)
os.makedirs(folder, exist_ok=True)
missing = {random.randrange(pages): f"/section/{i}/missing-{i}.html" for i in range(dead)}
for page in range(pages):
    directory = os.path.join(folder, "section", str(page // 1000))
    os.makedirs(directory, exist_ok=True)
    targets = [(page + 1) % pages] + [random.randrange(pages) for _ in range(7)]
    links = "\n".join(f'<li><a href="/section/{t // 1000}/page-{t}.html">page {t}</a></li>' for t in targets)
    extra = f'<p><a href="{missing[page]}">gone</a></p>' if page in missing else ""
    with open(os.path.join(directory, f"page-{page}.html"), "w") as out:
        out.write(f"<!doctype html><html><head><title>Page {page}</title></head>"
                  f"<body><h1>Page {page}</h1><ul>\n{links}\n</ul>{extra}</body></html>\n")
with open(os.path.join(folder, "index.html"), "w") as out:
    out.write('<!doctype html><html><body><a href="/section/0/page-0.html">start</a></body></html>\n')
with open(os.path.join(folder, "dead.txt"), "w") as out:
    out.write("\n".join(sorted(missing.values())) + "\n")
