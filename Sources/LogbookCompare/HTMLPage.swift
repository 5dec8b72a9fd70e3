/// A self-contained HTML page under construction: styles and script
/// inline, no network needed to view it. Written as polyglot XHTML (every
/// element closed, script and style in CDATA sections) so that HTML and XML
/// parsers both read it.
struct HTMLPage {
    private(set) var body = ""
    let title: String

    init(title: String) {
        self.title = title
    }

    mutating func heading(_ text: String, level: Int = 2) {
        body += "<h\(level)>\(escape(text))</h\(level)>\n"
    }

    mutating func paragraph(_ text: String, className: String? = nil) {
        body += "<p\(className.map { " class=\"\($0)\"" } ?? "")>\(escape(text))</p>\n"
    }

    /// Raw markup the caller built (an inline SVG).
    mutating func raw(_ markup: String) {
        body += markup + "\n"
    }

    /// Figures in boxes, each with a `data-key` naming it for tools and tests.
    mutating func cards(_ items: [(key: String, label: String, value: String)]) {
        body += "<div class=\"cards\">"
        for item in items {
            body +=
                "<div class=\"card\"><div class=\"value\" data-key=\"\(escape(item.key))\">\(escape(item.value))</div>"
            body += "<div class=\"label\">\(escape(item.label))</div></div>"
        }
        body += "</div>\n"
    }

    /// A table; `sortable` ones sort on a header click and show 50 rows a
    /// page. Cells are text; a number cell sorts as a number.
    mutating func table(id: String, headers: [String], rows: [[Cell]], sortable: Bool = false) {
        body +=
            "<table id=\"\(escape(id))\"\(sortable ? " class=\"sortable\"" : "") data-rows=\"\(rows.count)\"><thead><tr>"
        body += headers.map { "<th>\(escape($0))</th>" }.joined()
        body += "</tr></thead><tbody>\n"
        for row in rows {
            body += "<tr>" + row.map(\.markup).joined() + "</tr>\n"
        }
        body += "</tbody></table>\n"
    }

    mutating func details(_ summary: String, _ content: (inout HTMLPage) -> Void) {
        body += "<details><summary>\(escape(summary))</summary>\n"
        content(&self)
        body += "</details>\n"
    }

    var html: String {
        """
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
        <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="logbook"/>
        <title>\(escape(title))</title>
        <style>/*<![CDATA[*/\(Self.style)/*]]>*/</style>
        </head>
        <body>
        <h1>\(escape(title))</h1>
        \(body)
        <script>//<![CDATA[
        \(Self.script)
        //]]></script>
        </body>
        </html>

        """
    }

    /// One table cell: text, or a number that sorts as one.
    enum Cell {
        case text(String)
        case number(Double?, shown: String)
        case bar(fraction: Double, shown: String)

        /// An integer, or `missing` when it is NULL.
        static func integer(_ value: Int64?, missing: String = "") -> Cell {
            .number(value.map(Double.init), shown: value.map(String.init) ?? missing)
        }
        static func real(_ value: Double?) -> Cell { .number(value, shown: value.map(readable) ?? "") }

        var markup: String {
            switch self {
            case .text(let text):
                "<td>\(escape(text))</td>"
            case .number(let value, let shown):
                "<td class=\"number\" data-sort=\"\(value.map(exact) ?? "")\">\(escape(shown))</td>"
            case .bar(let fraction, let shown):
                "<td><span class=\"bar\" style=\"width:\(f(max(0, min(1, fraction)) * 160))px\"></span> \(escape(shown))</td>"
            }
        }
    }

    static let style = """
        body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:24px auto;max-width:1320px;color:#222;padding:0 16px}
        h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:14px 0 4px}
        table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
        th{background:#f2f2f2}table.sortable th{cursor:pointer}table.sortable th:after{content:" \\2195";color:#aaa}
        td.number{text-align:right;font-variant-numeric:tabular-nums}td{word-break:break-all;white-space:pre-line}
        .cards{display:flex;flex-wrap:wrap;gap:10px}.card{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:110px}
        .card .value{font-size:20px;font-weight:bold}.card .label{font-size:12px;color:#666}
        .bar{display:inline-block;height:10px;background:#1f77b4}.bad{color:#b00020;font-weight:bold}.good{color:#1a7f37;font-weight:bold}
        .note{color:#666;font-size:13px}.pager{font-size:13px;margin:4px 0}.pager button{margin:0 4px}
        svg{max-width:100%;height:auto;border:1px solid #eee;margin:6px 6px 6px 0}
        """

    /// Sorting and paging for `table.sortable`, without any library.
    static let script = """
        document.querySelectorAll("table.sortable").forEach(function (table) {
          var body = table.tBodies[0], size = 50, page = 0, direction = {};
          var pager = document.createElement("div");
          pager.className = "pager";
          table.parentNode.insertBefore(pager, table);
          function show() {
            var rows = body.rows, pages = Math.max(1, Math.ceil(rows.length / size));
            page = Math.min(page, pages - 1);
            for (var i = 0; i !== rows.length; i++) {
              rows[i].style.display = (i >= page * size && i < (page + 1) * size) ? "" : "none";
            }
            pager.innerHTML = "";
            if (pages === 1) { return; }
            [["previous", -1], ["next", 1]].forEach(function (b) {
              var button = document.createElement("button");
              button.textContent = b[0];
              button.onclick = function () { page = Math.max(0, Math.min(pages - 1, page + b[1])); show(); };
              pager.appendChild(button);
            });
            pager.appendChild(document.createTextNode("page " + (page + 1) + " of " + pages + " (" + rows.length + " rows)"));
          }
          Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, column) {
            th.onclick = function () {
              var sign = direction[column] = -(direction[column] || -1);
              var rows = Array.prototype.slice.call(body.rows);
              function key(row) {
                var cell = row.cells[column], sort = cell.getAttribute("data-sort");
                return sort === null ? cell.textContent : (sort === "" ? -Infinity : parseFloat(sort));
              }
              rows.sort(function (a, b) { var x = key(a), y = key(b); return (x > y ? 1 : (x === y ? 0 : -1)) * sign; });
              rows.forEach(function (row) { body.appendChild(row); });
              page = 0;
              show();
            };
          });
          show();
        });
        """
}
