"""Writes the static sites `make bench-crawl` crawls, deterministically.

Each layout writes the pages to serve under FOLDER/site (and, for `docs`,
the second host's pages under FOLDER/external) and the URLs a crawl must
find dead to FOLDER/dead.txt, sorted, one a line:

  plain FOLDER PAGES DEAD --base URL
      the site of issue 6 onwards: PAGES pages, each linking to 8 others,
      DEAD of them also to a page that does not exist;
  docs FOLDER PAGES LINKS DEAD --base URL --external URL
      a documentation site: PAGES pages of LINKS links each in sections of
      100, with a home page and section indexes (see `docs` below);
  scale FOLDER PAGES --base URL
      PAGES pages in a tree of ten children a page, each page also linking
      ten URLs of its own that do not exist: 1 + 11 x PAGES URLs, 10 x PAGES
      of them dead. No dead.txt: the driver checks the counts.
"""
import argparse
import os
import random

SECTION = 100  # pages a section of a docs site
PARTS = 4      # headings a docs page has, with ids part-1 … part-4


def write(folder, path, html):
    file = os.path.join(folder, path.lstrip("/"))
    os.makedirs(os.path.dirname(file), exist_ok=True)
    with open(file, "w") as out:
        out.write(html)


def page(title, body):
    return f"<!doctype html><html><head><title>{title}</title></head><body>\n{body}\n</body></html>\n"


def anchors(urls):
    return "\n".join(f'<li><a href="{url}">{url.rsplit("/", 1)[-1]}</a></li>' for url in urls)


def plain(args):
    """Kept exactly as before issue 11, so its figures compare with older runs."""
    site, pages = os.path.join(args.folder, "site"), args.pages
    rng = random.Random(20261125)
    missing = {rng.randrange(pages): f"/section/{i}/missing-{i}.html" for i in range(args.dead)}
    for number in range(pages):
        targets = [(number + 1) % pages] + [rng.randrange(pages) for _ in range(7)]
        links = "\n".join(f'<li><a href="/section/{t // 1000}/page-{t}.html">page {t}</a></li>' for t in targets)
        extra = f'<p><a href="{missing[number]}">gone</a></p>' if number in missing else ""
        write(site, f"/section/{number // 1000}/page-{number}.html",
              f"<!doctype html><html><head><title>Page {number}</title></head>"
              f"<body><h1>Page {number}</h1><ul>\n{links}\n</ul>{extra}</body></html>\n")
    write(site, "/index.html", '<!doctype html><html><body><a href="/section/0/page-0.html">start</a></body></html>\n')
    return [args.base + path.lstrip("/") for path in missing.values()]


def docs(args):
    """Every page carries LINKS links, one a line, as documentation does:
    - navigation every page shares (home, the first sections' indexes) and
      its own section's index: a fifth of the links;
    - the pages next to it in its section: half of the rest;
    - random pages anywhere: the remainder;
    a quarter of the sibling and random links name a #part-N that the target
    has. One page in 20 links the second host instead of one random page
    (40 pages there, 5 of them missing), and DEAD pages link a page of the
    site that does not exist. The home page links every section index, a
    section index every page of its section."""
    site, pages, links = os.path.join(args.folder, "site"), args.pages, args.links
    rng = random.Random(20261211)
    sections = (pages + SECTION - 1) // SECTION
    nav = max(3, links // 5)
    siblings = (links - nav) // 2
    shared_nav = ["/index.html"] + [f"/docs/s{s}/index.html" for s in range(min(nav - 2, sections))]
    external = [f"{args.external}ref/{k}.html" for k in range(40)]
    external_missing = set(external[7::8])
    dead_pages = dict(zip(rng.sample(range(pages), args.dead),
                          (f"/docs/s{s}/gone-{i}.html" for i, s in enumerate(rng.choices(range(sections), k=args.dead)))))
    dead = set(args.base + path.lstrip("/") for path in dead_pages.values())

    def url(target):
        return f"/docs/s{target // SECTION}/p{target}.html"

    def maybe_fragment(link):
        return f"{link}#part-{rng.randint(1, PARTS)}" if rng.random() < 0.25 else link

    for number in range(pages):
        section, first = number // SECTION, number // SECTION * SECTION
        size = min(SECTION, pages - first)
        navigation = (shared_nav + [f"/docs/s{section}/index.html"])[:nav]
        near = [maybe_fragment(url(first + (number - first + step) % size)) for step in range(1, siblings + 1)]
        far = [maybe_fragment(url(rng.randrange(pages))) for _ in range(links - nav - siblings)]
        if number in dead_pages:
            far[-1] = dead_pages[number]
        if rng.random() < 0.05:
            far[0] = rng.choice(external)
            if far[0] in external_missing:
                dead.add(far[0])
        parts = "\n".join(f'<h2 id="part-{k}">Part {k}</h2><p>Text of part {k}.</p>' for k in range(1, PARTS + 1))
        write(site, url(number), page(f"Page {number}", f"<nav><ul>\n{anchors(navigation)}\n</ul></nav>\n"
                                      f"<h1>Page {number}</h1>\n{parts}\n"
                                      f"<ul>\n{anchors(near)}\n</ul>\n<aside><ul>\n{anchors(far)}\n</ul></aside>"))
    for section in range(sections):
        members = [url(n) for n in range(section * SECTION, min(pages, (section + 1) * SECTION))]
        write(site, f"/docs/s{section}/index.html",
              page(f"Section {section}", f"<nav><ul>\n{anchors(shared_nav)}\n</ul></nav>\n<ul>\n{anchors(members)}\n</ul>"))
    write(site, "/index.html",
          page("Home", f"<ul>\n{anchors(f'/docs/s{s}/index.html' for s in range(sections))}\n</ul>"))
    outside = os.path.join(args.folder, "external")
    for link in set(external) - external_missing:
        write(outside, link.removeprefix(args.external), page("Reference", "<p>Elsewhere.</p>"))
    return dead


def scale(args):
    site, pages = os.path.join(args.folder, "site"), args.pages
    write(site, "/index.html", page("Scale", f"<ul>\n{anchors(f'/p/0/{n}.html' for n in range(min(10, pages)))}\n</ul>"))
    for number in range(pages):
        children = [f"/p/{n // 1000}/{n}.html" for n in range(10 * number + 10, min(pages, 10 * number + 20))]
        missing = [f"/p/{number // 1000}/{number}-missing-{k}.html" for k in range(10)]
        write(site, f"/p/{number // 1000}/{number}.html", page(f"Page {number}", f"<ul>\n{anchors(children + missing)}\n</ul>"))
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    layouts = parser.add_subparsers(dest="layout", required=True)
    for name, generate, counts in [("plain", plain, ["pages", "dead"]), ("docs", docs, ["pages", "links", "dead"]),
                                   ("scale", scale, ["pages"])]:
        layout = layouts.add_parser(name)
        layout.set_defaults(generate=generate)
        layout.add_argument("folder")
        for count in counts:
            layout.add_argument(count, type=int)
        layout.add_argument("--base", required=True, help="the site's URL, ending in /")
        if name == "docs":
            layout.add_argument("--external", required=True, help="the second host's URL, ending in /")
    args = parser.parse_args()
    dead = args.generate(args)
    if dead is not None:
        with open(os.path.join(args.folder, "dead.txt"), "w") as out:
            out.write("".join(f"{url}\n" for url in sorted(dead)))


if __name__ == "__main__":
    main()
