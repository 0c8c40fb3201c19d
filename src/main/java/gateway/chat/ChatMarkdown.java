package gateway.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.Code;
import org.commonmark.node.Document;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.LinkReferenceDefinition;
import org.commonmark.node.ListBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;

/**
 * The agent's markdown as a chat tool's dialect: parsed by the CommonMark parser (with GFM tables, as
 * {@link gateway.render.MarkdownPlainText} does), walked node by node, and written as a list of {@link Segment}s: prose
 * already in the dialect (escaped, formatted), and preformatted text (code blocks, tables) left to the message builder to
 * fence or set in monospace. Which marks a dialect writes is its {@link Dialect}'s to say.
 *
 * <p>Rules common to every dialect: a heading is a bold line; bullet items are {@code "• item"} (or the dialect's
 * marker), ordered items keep their number; nested content is indented; a link to {@code http(s)} is the dialect's link,
 * any other link only its text (followed by its target in parentheses when that differs); an image is its alt text; raw
 * HTML (blocks and inline, so also {@code <!channel>}, which CommonMark reads as an HTML declaration) is dropped; a table
 * is preformatted text with its columns aligned (right or centred where the table says); a block quote is the dialect's quote. Thread-safe.
 */
public final class ChatMarkdown {

    /** A piece of the answer: prose in the dialect, or preformatted text (not yet escaped: the builder escapes it). */
    public record Segment(boolean preformatted, String text) {
    }

    /** How one chat tool writes the marks. */
    public interface Dialect {
        /** Text as it must read literally (the tool's escaping). */
        String escape(String text);

        String bold(String inner);

        String italic(String inner);

        String code(String literal);

        /** A link to an http(s) {@code url} with its (already dialect) text. */
        String link(String url, String text);

        /** Prose as a quote, each line marked. */
        String quote(String prose);

        /** A bullet item's marker. */
        default String bullet() {
            return "• ";
        }
    }

    private final Parser parser = Parser.builder().extensions(List.of(TablesExtension.create())).build();

    /** The segments of {@code markdown}; none for a blank answer. Adjacent prose blocks are separate segments. */
    public List<Segment> segments(String markdown, Dialect dialect) {
        List<Segment> out = new ArrayList<>();
        if (markdown == null || markdown.isBlank()) {
            return out;
        }
        Node document = parser.parse(markdown);
        blocks(document, dialect, out, "");
        return out;
    }

    private void blocks(Node parent, Dialect d, List<Segment> out, String indent) {
        for (Node child = parent.getFirstChild(); child != null; child = child.getNext()) {
            block(child, d, out, indent);
        }
    }

    private void block(Node node, Dialect d, List<Segment> out, String indent) {
        if (node instanceof Document) {
            blocks(node, d, out, indent);
        } else if (node instanceof Paragraph) {
            prose(out, indent, tidy(inlines(node, d)));
        } else if (node instanceof Heading) {
            String text = tidy(inlines(node, d));
            prose(out, indent, text.isEmpty() ? "" : d.bold(text));
        } else if (node instanceof FencedCodeBlock code) {
            pre(out, code.getLiteral());
        } else if (node instanceof IndentedCodeBlock code) {
            pre(out, code.getLiteral());
        } else if (node instanceof ListBlock list) {
            prose(out, indent, list(list, d));
        } else if (node instanceof TableBlock) {
            pre(out, table(node));
        } else if (node instanceof BlockQuote) {
            List<Segment> inner = new ArrayList<>();
            blocks(node, d, inner, "");
            for (Segment s : inner) {
                if (s.preformatted()) {
                    out.add(s);
                } else {
                    prose(out, indent, d.quote(s.text()));
                }
            }
        } else if (node instanceof HtmlBlock || node instanceof ThematicBreak || node instanceof LinkReferenceDefinition) {
            // dropped
        } else {
            blocks(node, d, out, indent); // another extension's block: its children
        }
    }

    private static void prose(List<Segment> out, String indent, String text) {
        if (!text.isBlank()) {
            out.add(new Segment(false, indent.isEmpty() ? text : indent + text.replace("\n", "\n" + indent)));
        }
    }

    private static void pre(List<Segment> out, String literal) {
        String text = literal == null ? "" : literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
        if (!text.isBlank()) {
            out.add(new Segment(true, text));
        }
    }

    /** A list as prose lines (nested lists indented; code inside an item written inline as its lines). */
    private String list(ListBlock list, Dialect d) {
        int number = 1;
        String delimiter = ".";
        if (list instanceof OrderedList ol) {
            number = ol.getMarkerStartNumber() == null ? 1 : ol.getMarkerStartNumber();
            delimiter = ol.getMarkerDelimiter() == null ? "." : ol.getMarkerDelimiter();
        }
        List<String> items = new ArrayList<>();
        for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
            String marker = list instanceof OrderedList ? (number++) + delimiter + " " : d.bullet();
            List<String> parts = new ArrayList<>();
            if (item instanceof ListItem) {
                for (Node child = item.getFirstChild(); child != null; child = child.getNext()) {
                    List<Segment> inner = new ArrayList<>();
                    block(child, d, inner, "");
                    for (Segment s : inner) {
                        parts.add(s.preformatted() ? d.code(s.text().replace('\n', ' ')) : s.text());
                    }
                }
            }
            String content = String.join("\n", parts);
            items.add(marker + content.replace("\n", "\n" + " ".repeat(marker.length() + 1)));
        }
        return String.join("\n", items);
    }

    /** A table as aligned lines: cells padded to their column's width (right or centred as the table says), {@code " | "}
     *  between them, a rule under the head. */
    private static String table(Node table) {
        List<List<String>> rows = new ArrayList<>();
        List<TableCell.Alignment> alignments = new ArrayList<>();
        collectRows(table, rows, alignments);
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        int[] widths = new int[columns];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).codePointCount(0, row.get(i).length()));
            }
        }
        List<String> lines = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = i < row.size() ? row.get(i) : "";
                int pad = widths[i] - cell.codePointCount(0, cell.length());
                TableCell.Alignment alignment = i < alignments.size() ? alignments.get(i) : null;
                int before = alignment == TableCell.Alignment.RIGHT ? pad : alignment == TableCell.Alignment.CENTER ? pad / 2 : 0;
                if (i > 0) {
                    line.append(" | ");
                }
                line.append(" ".repeat(before)).append(cell).append(" ".repeat(pad - before));
            }
            lines.add(line.toString().stripTrailing());
            if (r == 0 && rows.size() > 1) {
                StringBuilder rule = new StringBuilder();
                for (int i = 0; i < columns; i++) {
                    rule.append(i > 0 ? "-+-" : "").append("-".repeat(Math.max(1, widths[i])));
                }
                lines.add(rule.toString());
            }
        }
        return String.join("\n", lines);
    }

    private static void collectRows(Node parent, List<List<String>> rows, List<TableCell.Alignment> alignments) {
        for (Node child = parent.getFirstChild(); child != null; child = child.getNext()) {
            if (child instanceof TableRow) {
                List<String> cells = new ArrayList<>();
                for (Node cell = child.getFirstChild(); cell != null; cell = cell.getNext()) {
                    if (cell instanceof TableCell tableCell) {
                        cells.add(plain(cell).replace('\n', ' ').strip());
                        if (rows.isEmpty()) {
                            alignments.add(tableCell.getAlignment());
                        }
                    }
                }
                rows.add(cells);
            } else {
                collectRows(child, rows, alignments);
            }
        }
    }

    /** A table cell's literal text (marks dropped: it is set as preformatted text). */
    private static String plain(Node parent) {
        StringBuilder out = new StringBuilder();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof Text text) {
                out.append(text.getLiteral());
            } else if (node instanceof Code code) {
                out.append(code.getLiteral());
            } else if (node instanceof SoftLineBreak || node instanceof HardLineBreak) {
                out.append(' ');
            } else if (!(node instanceof HtmlInline)) {
                out.append(plain(node));
            }
        }
        return out.toString();
    }

    private String inlines(Node parent, Dialect d) {
        StringBuilder out = new StringBuilder();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
            inline(node, d, out);
        }
        return out.toString();
    }

    private void inline(Node node, Dialect d, StringBuilder out) {
        if (node instanceof Text text) {
            out.append(d.escape(text.getLiteral()));
        } else if (node instanceof Code code) {
            out.append(d.code(code.getLiteral()));
        } else if (node instanceof SoftLineBreak) {
            out.append(' ');
        } else if (node instanceof HardLineBreak) {
            out.append('\n');
        } else if (node instanceof StrongEmphasis) {
            marked(inlines(node, d), d::bold, out);
        } else if (node instanceof Emphasis) {
            marked(inlines(node, d), d::italic, out);
        } else if (node instanceof Link link) {
            String url = link.getDestination() == null ? "" : link.getDestination().strip();
            String text = inlines(link, d);
            if (isWeb(url)) {
                out.append(d.link(url, text.isBlank() ? d.escape(url) : text));
            } else {
                out.append(text);
                if (!url.isEmpty() && !plain(link).strip().equals(url)) {
                    out.append(" (").append(d.escape(url)).append(')');
                }
            }
        } else if (node instanceof Image) {
            out.append(d.escape(plain(node)));
        } else if (node instanceof HtmlInline) {
            // dropped, as in response_plain
        } else {
            out.append(inlines(node, d));
        }
    }

    /** A mark around text, the text's outer spaces kept outside (chat tools do not close a mark after a space). */
    private static void marked(String inner, java.util.function.UnaryOperator<String> mark, StringBuilder out) {
        String core = inner.strip();
        if (core.isEmpty()) {
            out.append(inner);
            return;
        }
        int lead = inner.indexOf(core);
        out.append(inner, 0, lead).append(mark.apply(core)).append(inner.substring(lead + core.length()));
    }

    static boolean isWeb(String url) {
        String u = url.toLowerCase(Locale.ROOT);
        return (u.startsWith("https://") || u.startsWith("http://")) && u.length() > u.indexOf("//") + 2;
    }

    private static String tidy(String text) {
        return text.replaceAll("[ \\t]+(?=\\n|$)", "").strip();
    }
}
