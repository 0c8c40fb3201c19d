package gateway.render;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableRow;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Delimited;
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
 * Renders the agent's markdown answer as plain text for {@code response_plain}.
 *
 * <p>The markdown is parsed by the CommonMark parser (with GFM tables) and the tree is walked
 * node by node, so text is never touched by pattern matching: {@code snake_case},
 * {@code $1.2M * 2} and code keep every character. Output rules:
 * <ul>
 *   <li>blocks (headings, paragraphs, lists, code, tables, quotes) are separated by one blank line;
 *       a heading is its text on its own line; a block quote is its text (no {@code >});
 *       thematic breaks, HTML blocks, inline HTML and link reference definitions are dropped;</li>
 *   <li>bullet items are {@code "- item"}, ordered items {@code "1. item"} (the list's own start
 *       number and delimiter); nested content is indented under the marker; tight lists have no
 *       blank lines between items;</li>
 *   <li>emphasis and strong are just their text, except <em>intraword</em> {@code *}-emphasis
 *       such as {@code a*b*c} or {@code 2*3*4}, which CommonMark parses as emphasis but agents
 *       mean literally: there the delimiters are written back;</li>
 *   <li>a link is its text, followed by {@code " (url)"} only when the text is not already the
 *       url (autolinks and {@code [https://x](https://x)} are written once); an image is its alt
 *       text; inline code is its literal text;</li>
 *   <li>code blocks are their literal content, verbatim (indentation, blank lines and trailing
 *       spaces inside the code are kept; only the final newline is dropped);</li>
 *   <li>table rows are lines with cells separated by {@code " | "}, header row first;</li>
 *   <li>hard and soft line breaks become a newline; outside code, trailing whitespace is trimmed
 *       and runs of 3+ newlines are collapsed to one blank line.</li>
 * </ul>
 *
 * <p>Thread-safe: the parser is built once and is itself thread-safe; each call uses its own
 * buffers.
 */
public final class MarkdownPlainText {

    private static final Pattern TRAILING_SPACES = Pattern.compile("[ \\t]+(?=\\n|$)");
    private static final Pattern BLANK_RUNS = Pattern.compile("\\n{3,}");

    private final Parser parser = Parser.builder()
            .extensions(List.of(TablesExtension.create()))
            .build();

    /** Plain text of {@code markdown}; {@code ""} for null or blank input. */
    public String render(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            return "";
        }
        Node document = parser.parse(markdown);
        return stripEnd(block(document));
    }

    // ---- blocks: each returns its text without a trailing newline ("" when it has none) ----

    private String block(Node node) {
        if (node instanceof Document || node instanceof BlockQuote) {
            return joinBlocks(node, "\n\n");
        }
        if (node instanceof Paragraph || node instanceof Heading) {
            return tidy(inlines(node));
        }
        if (node instanceof FencedCodeBlock code) {
            return dropFinalNewline(code.getLiteral());
        }
        if (node instanceof IndentedCodeBlock code) {
            return dropFinalNewline(code.getLiteral());
        }
        if (node instanceof ListBlock list) {
            return list(list);
        }
        if (node instanceof TableBlock) {
            return table(node);
        }
        if (node instanceof HtmlBlock || node instanceof ThematicBreak
                || node instanceof LinkReferenceDefinition) {
            return "";
        }
        // unknown block (another extension): its children, else nothing
        return joinBlocks(node, "\n\n");
    }

    private String joinBlocks(Node parent, String separator) {
        List<String> parts = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNext()) {
            String text = block(child);
            if (!text.isEmpty()) {
                parts.add(text);
            }
        }
        return String.join(separator, parts);
    }

    private String list(ListBlock list) {
        boolean ordered = list instanceof OrderedList;
        int number = 1;
        String delimiter = ".";
        if (list instanceof OrderedList ol) {
            if (ol.getMarkerStartNumber() != null) {
                number = ol.getMarkerStartNumber();
            }
            if (ol.getMarkerDelimiter() != null) {
                delimiter = ol.getMarkerDelimiter();
            }
        }
        String separator = list.isTight() ? "\n" : "\n\n";
        List<String> items = new ArrayList<>();
        for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
            String marker = ordered ? (number++) + delimiter + " " : "- ";
            String content = item instanceof ListItem ? joinBlocks(item, separator) : block(item);
            items.add(marker + indentFollowingLines(content, marker.length()));
        }
        return stripEnd(String.join(separator, items));
    }

    private String table(Node table) {
        List<String> rows = new ArrayList<>();
        collectRows(table, rows);
        return String.join("\n", rows);
    }

    private void collectRows(Node parent, List<String> rows) {
        for (Node child = parent.getFirstChild(); child != null; child = child.getNext()) {
            if (child instanceof TableRow) {
                List<String> cells = new ArrayList<>();
                for (Node cell = child.getFirstChild(); cell != null; cell = cell.getNext()) {
                    if (cell instanceof TableCell) {
                        cells.add(inlines(cell).replace('\n', ' ').strip());
                    }
                }
                rows.add(stripEnd(String.join(" | ", cells)));
            } else {
                collectRows(child, rows); // TableHead, TableBody
            }
        }
    }

    // ---- inlines ----

    private String inlines(Node parent) {
        StringBuilder out = new StringBuilder();
        appendInlines(parent, out);
        return out.toString();
    }

    private void appendInlines(Node parent, StringBuilder out) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
            appendInline(node, out);
        }
    }

    private void appendInline(Node node, StringBuilder out) {
        if (node instanceof Text text) {
            out.append(text.getLiteral());
        } else if (node instanceof Code code) {
            out.append(code.getLiteral());
        } else if (node instanceof SoftLineBreak || node instanceof HardLineBreak) {
            out.append('\n');
        } else if (node instanceof Emphasis || node instanceof StrongEmphasis) {
            boolean literal = isIntrawordStar(node);
            Delimited delimited = (Delimited) node;
            if (literal) {
                out.append(delimited.getOpeningDelimiter());
            }
            appendInlines(node, out);
            if (literal) {
                out.append(delimited.getClosingDelimiter());
            }
        } else if (node instanceof Link link) {
            String text = inlines(link);
            String url = link.getDestination() == null ? "" : link.getDestination();
            out.append(text);
            if (!url.isEmpty() && !sameTarget(text, url)) {
                out.append(" (").append(url).append(')');
            }
        } else if (node instanceof Image) {
            appendInlines(node, out); // the alt text
        } else if (node instanceof HtmlInline) {
            // stripped
        } else {
            appendInlines(node, out); // unknown inline (another extension): its text
        }
    }

    /** {@code a*b*c}: star emphasis glued to letters or digits on both sides is meant literally. */
    private static boolean isIntrawordStar(Node node) {
        String opening = ((Delimited) node).getOpeningDelimiter();
        if (opening == null || opening.isEmpty() || opening.charAt(0) != '*') {
            return false;
        }
        return node.getPrevious() instanceof Text before
                && node.getNext() instanceof Text after
                && !before.getLiteral().isEmpty() && !after.getLiteral().isEmpty()
                && Character.isLetterOrDigit(before.getLiteral().codePointBefore(before.getLiteral().length()))
                && Character.isLetterOrDigit(after.getLiteral().codePointAt(0));
    }

    private static boolean sameTarget(String text, String url) {
        String t = text.strip();
        return t.equals(url)
                || (url.startsWith("mailto:") && t.equals(url.substring("mailto:".length())));
    }

    // ---- text helpers ----

    private static String indentFollowingLines(String text, int width) {
        if (text.indexOf('\n') < 0) {
            return text;
        }
        String pad = " ".repeat(width);
        StringBuilder out = new StringBuilder(text.length() + 16);
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.append('\n');
                if (!lines[i].isEmpty()) {
                    out.append(pad);
                }
            }
            out.append(lines[i]);
        }
        return out.toString();
    }

    /** Outside code: no trailing blanks on a line, at most one blank line in a row. */
    private static String tidy(String text) {
        String trimmed = TRAILING_SPACES.matcher(text).replaceAll("");
        return BLANK_RUNS.matcher(trimmed).replaceAll("\n\n").strip();
    }

    private static String dropFinalNewline(String literal) {
        if (literal == null) {
            return "";
        }
        return literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
    }

    private static String stripEnd(String text) {
        int end = text.length();
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end);
    }
}
