"""Jinja2 templates of the HTML outputs (kept in Python so that they ship with the package).

The environment escapes every value (``autoescape=True``): a cell, title or note that contains markup is
printed as text, never interpreted. ``StrictUndefined`` turns a template typo into an error.
"""

from __future__ import annotations

import jinja2

CSS = """
:root { --ink: #111; --muted: #555; --rule: #111; --paper: #fff; }
html { background: var(--paper); color: var(--ink); }
body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif; font-size: 12pt;
       line-height: 1.45; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
nav.toc ol { padding-left: 1.4rem; }
nav.toc li { margin: .1rem 0; }
.synthetic-banner { border: 3px solid #111; background: repeating-linear-gradient(45deg, #f2f2f2, #f2f2f2 10px,
       #fff 10px, #fff 20px); padding: .8rem 1rem; margin: 1rem 0 1.5rem; font-family: sans-serif; }
.synthetic-banner strong { display: block; font-size: 1.2rem; text-transform: uppercase; letter-spacing: .05em; }
.table-block { margin: 1.6rem 0; }
.table-scroll { overflow-x: auto; }
table.apa { border-collapse: collapse; margin: 0; font-size: 11pt; }
table.apa caption { caption-side: top; text-align: left; padding-bottom: .5rem; }
table.apa caption .number { display: block; font-weight: bold; }
table.apa caption .title { display: block; font-style: italic; }
table.apa thead { border-top: 1.5px solid var(--rule); }
table.apa thead tr:last-child th { border-bottom: 1px solid var(--rule); }
table.apa thead th.spanner { background: linear-gradient(var(--rule), var(--rule)) center bottom
       / calc(100% - .8rem) 1px no-repeat; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
table.apa tbody { border-bottom: 1.5px solid var(--rule); }
table.apa th, table.apa td { padding: .2rem .6rem; vertical-align: top; }
table.apa th { font-weight: normal; text-align: center; }
table.apa th.stub, table.apa tbody th { text-align: left; font-weight: normal; }
table.apa td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.apa td.txt { text-align: left; }
p.table-note, p.figure-note { font-size: 10.5pt; margin-top: .4rem; }
figure.figure-block { margin: 1.8rem 0; }
figure.figure-block figcaption .number { display: block; font-weight: bold; }
figure.figure-block figcaption .title { display: block; font-style: italic; margin-bottom: .4rem; }
figure.figure-block img { max-width: 100%; height: auto; }
.warning-box { border-left: 4px solid #111; background: #f4f4f4; padding: .4rem .8rem; margin: 1rem 0;
       font-family: sans-serif; font-size: 10.5pt; }
section.warnings li, .warning-box li { margin: .2rem 0; }
section.provenance dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem;
       font-family: monospace; font-size: 9.5pt; }
section.provenance dt { font-weight: bold; }
section.provenance dd { margin: 0; white-space: pre-wrap; word-break: break-word; }
section.summary { border: 1px solid #999; padding: .2rem 1.2rem .8rem; margin: 1rem 0 1.5rem; }
section.summary h2 { margin-top: .8rem; }
section.summary li { margin: .15rem 0; }
#section-references p { padding-left: 2rem; text-indent: -2rem; margin: .3rem 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: 9.5pt; }
@media print { .synthetic-banner { background: none; } h2 { page-break-after: avoid; }
               .table-block, figure.figure-block { page-break-inside: avoid; } }
"""

TABLE_MACRO = """
{%- macro render_table(t) -%}
<div class="table-block" id="{{ t.anchor }}">
<div class="table-scroll">
<table class="apa" data-key="{{ t.key }}">
<caption><span class="number">{{ t.label }}</span><span class="title">{{ t.title }}</span></caption>
<thead>
{% for row in t.header_rows -%}
<tr>{% for cell in row %}<th{% if cell.span > 1 %} colspan="{{ cell.span }}"{% endif
%} class="{{ cell.css }}" scope="{{ 'colgroup' if cell.spanner else 'col' }}">{{ cell.text }}</th>{% endfor %}</tr>
{% endfor -%}
</thead>
<tbody>
{% for row in t.body -%}
<tr>{% for cell in row %}{% if loop.index0 < t.stub %}<th scope="row">{{ cell }}</th>{% else
%}<td class="{{ 'num' if t.numeric[loop.index0] else 'txt' }}">{{ cell }}</td>{% endif %}{% endfor %}</tr>
{% endfor -%}
</tbody>
</table>
</div>
{% if t.note %}<p class="table-note"><em>{{ t.note_label }}</em> {{ t.note }}</p>{% endif %}
</div>
{%- endmacro -%}
"""

TABLE_PAGE = """<!DOCTYPE html>
{% from "macros.html" import render_table %}
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<title>{{ t.label }}. {{ t.title }}</title>
<style>{{ css }}</style>
</head>
<body>
{{ render_table(t) }}
</body>
</html>
"""

REPORT_PAGE = """<!DOCTYPE html>
{% from "macros.html" import render_table %}
<html lang="{{ report.lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="alliance-stats">
<title>{{ report.title }}</title>
<style>{{ css }}</style>
</head>
<body>
<header>
<h1>{{ report.title }}</h1>
{% if report.subtitle %}<p class="subtitle">{{ report.subtitle }}</p>{% endif %}
{% if report.synthetic %}
<div class="synthetic-banner" role="alert" id="synthetic-banner">
<strong>{{ text.synthetic_banner_title }}</strong>{{ text.synthetic_banner }}
</div>
{% endif %}
</header>
{% if report.summary %}
<section class="summary" id="summary">
<h2>{{ report.summary.title }}</h2>
{% for heading, lines in report.summary.blocks %}{% if lines|length == 1 -%}
<p><strong>{{ heading }}.</strong> {{ lines[0] }}</p>
{% else %}<p><strong>{{ heading }}.</strong></p>
<ul>{% for line in lines %}<li>{{ line }}</li>{% endfor %}</ul>
{% endif %}{% endfor %}
</section>
{% endif %}
<nav class="toc" aria-label="{{ text.contents }}">
<h2 id="contents">{{ text.contents }}</h2>
<ol>
{% if report.summary %}<li><a href="#summary">{{ report.summary.title }}</a></li>
{% endif %}{% for s in sections %}<li><a href="#{{ s.anchor }}">{{ s.title }}</a>
{% if s.tables or s.figures %}<ul>
{% for t in s.tables %}<li><a href="#{{ t.anchor }}">{{ t.label }}. {{ t.title }}</a></li>
{% endfor %}{% for f in s.figures %}<li><a href="#{{ f.anchor }}">{{ f.label }}. {{ f.caption }}</a></li>
{% endfor %}</ul>{% endif %}</li>
{% endfor %}<li><a href="#warnings">{{ text.warnings }}</a></li>
<li><a href="#provenance">{{ text.provenance }}</a></li>
</ol>
</nav>
<main>
{% for s in sections %}
<section class="report-section" id="{{ s.anchor }}">
<h2>{{ s.title }}</h2>
{% for p in s.paragraphs %}<p>{{ p }}</p>
{% endfor %}
{% if s.warnings %}<div class="warning-box" role="note"><strong>{{ text.section_warnings }}</strong>
<ul>{% for w in s.warnings %}<li>{{ w }}</li>{% endfor %}</ul></div>{% endif %}
{% for t in s.tables %}{{ render_table(t) }}
{% endfor %}
{% for f in s.figures %}
<figure class="figure-block" id="{{ f.anchor }}">
<figcaption><span class="number">{{ f.label }}</span><span class="title">{{ f.caption }}</span></figcaption>
<img src="data:image/png;base64,{{ f.png_base64 }}" alt="{{ f.label }}. {{ f.caption }}"
 width="{{ f.width }}" height="{{ f.height }}">
{% if f.note %}<p class="figure-note"><em>{{ text.note }}</em> {{ f.note }}</p>{% endif %}
</figure>
{% endfor %}
</section>
{% endfor %}
<section class="warnings" id="warnings">
<h2>{{ text.warnings }}</h2>
{% if all_warnings %}<ul>
{% for origin, message in all_warnings -%}
<li>{% if origin %}<strong>{{ origin }}</strong>{{ text.colon }}{% endif %}{{ message }}</li>
{% endfor %}</ul>{% else %}<p>{{ text.no_warnings }}</p>{% endif %}
</section>
<section class="provenance" id="provenance">
<h2>{{ text.provenance }}</h2>
<dl>
{% for key, value in provenance %}<dt>{{ key }}</dt><dd>{{ value }}</dd>
{% endfor %}</dl>
</section>
</main>
<footer>{{ text.generated_by }}</footer>
</body>
</html>
"""

ENVIRONMENT = jinja2.Environment(
    loader=jinja2.DictLoader({"macros.html": TABLE_MACRO, "table.html": TABLE_PAGE, "report.html": REPORT_PAGE}),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=False,
    lstrip_blocks=False,
    keep_trailing_newline=True,
)
