using System.Globalization;
using System.Text;

namespace CommonGround.Audiences;

enum TokenKind
{
    Word,
    Text,
    Number,
    Date,
    Symbol,
    End,
}

/// <summary>One token of an audience's text. <see cref="Text"/> is the unescaped content for text tokens, the source otherwise.</summary>
readonly record struct Token(TokenKind Kind, string Text, int Line, int Column, int Length)
{
    public SourceSpan Span => new(Line, Column, Math.Max(Length, 1));

    public bool IsWord(string word) => Kind == TokenKind.Word && Text.Equals(word, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == TokenKind.Symbol && Text == symbol;

    /// <summary>How a message names the token.</summary>
    public string Describe() => Kind switch
    {
        TokenKind.End => "the end of the text",
        TokenKind.Text => "\"" + Text + "\"",
        _ => "'" + Text + "'",
    };
}

/// <summary>
/// Splits an audience's text into tokens, tracking line and column. Collects every lexical error
/// (unclosed text, stray characters) instead of stopping at the first.
/// </summary>
sealed class AudienceTokenizer(string source)
{
    readonly List<Token> _tokens = [];
    readonly List<AudienceError> _errors = [];
    int _pos;
    int _line = 1;
    int _lineStart;

    int Column => _pos - _lineStart + 1;

    public (List<Token> Tokens, List<AudienceError> Errors) Run()
    {
        while (true)
        {
            SkipSpaceAndComments();
            if (_pos >= source.Length) break;
            var c = source[_pos];
            if (char.IsAsciiLetter(c) || c == '_') Word();
            else if (char.IsAsciiDigit(c) || (c == '-' && _pos + 1 < source.Length && char.IsAsciiDigit(source[_pos + 1]))) NumberOrDate();
            else if (c == '"') QuotedText();
            else if (c == '\'') SingleQuoted();
            else Symbol();
        }
        _tokens.Add(new Token(TokenKind.End, "", _line, Column, 1));
        return (_tokens, _errors);
    }

    void SkipSpaceAndComments()
    {
        while (_pos < source.Length)
        {
            var c = source[_pos];
            if (c == '\n') { _pos++; _line++; _lineStart = _pos; }
            else if (char.IsWhiteSpace(c)) _pos++;
            else if (c == '#') { while (_pos < source.Length && source[_pos] != '\n') _pos++; }
            else break;
        }
    }

    void Word()
    {
        var start = _pos;
        var column = Column;
        while (_pos < source.Length)
        {
            var c = source[_pos];
            if (char.IsAsciiLetterOrDigit(c) || c == '_') _pos++;
            // A dot joins path segments (household.order_count, traits.address.city).
            else if (c == '.' && _pos + 1 < source.Length && (char.IsAsciiLetter(source[_pos + 1]) || source[_pos + 1] == '_')) _pos++;
            else break;
        }
        _tokens.Add(new Token(TokenKind.Word, source[start.._pos], _line, column, _pos - start));
    }

    void NumberOrDate()
    {
        var start = _pos;
        var column = Column;
        if (source[_pos] == '-') _pos++;
        while (_pos < source.Length && char.IsAsciiDigit(source[_pos])) _pos++;
        if (_pos - start == 4 && _pos + 1 < source.Length && source[_pos] == '-' && char.IsAsciiDigit(source[_pos + 1]))
        {
            while (_pos < source.Length && (char.IsAsciiLetterOrDigit(source[_pos]) || source[_pos] is '-' or ':' or '.' or '+')) _pos++;
            var text = source[start.._pos];
            if (!AudienceTimes.TryParse(text, out _))
                Error(column, _pos - start, $"'{text}' is not a valid date: write dates as YYYY-MM-DD (e.g. 2026-01-31), or a date and time as 2026-01-31T09:30:00Z");
            _tokens.Add(new Token(TokenKind.Date, text, _line, column, _pos - start));
            return;
        }
        if (_pos + 1 < source.Length && source[_pos] == '.' && char.IsAsciiDigit(source[_pos + 1]))
        {
            _pos++;
            while (_pos < source.Length && char.IsAsciiDigit(source[_pos])) _pos++;
        }
        var number = source[start.._pos];
        if (_pos < source.Length && char.IsAsciiLetter(source[_pos]))
        {
            var unitStart = _pos;
            while (_pos < source.Length && char.IsAsciiLetter(source[_pos])) _pos++;
            Error(column, _pos - start, $"Put a space between the number and '{source[unitStart.._pos]}', e.g. {number} {source[unitStart.._pos]}");
        }
        if (!decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _))
            Error(column, number.Length, $"'{number}' is too large a number");
        _tokens.Add(new Token(TokenKind.Number, number, _line, column, number.Length));
    }

    void QuotedText()
    {
        var line = _line;
        var column = Column;
        var start = _pos;
        _pos++;
        var text = new StringBuilder();
        while (true)
        {
            if (_pos >= source.Length || source[_pos] == '\n')
            {
                Error(line, column, _pos - start, "Unclosed text: add a closing \" (text cannot span lines)");
                break;
            }
            var c = source[_pos];
            if (c == '"') { _pos++; break; }
            if (c != '\\') { text.Append(c); _pos++; continue; }
            if (_pos + 1 >= source.Length) { _pos++; continue; }
            var escape = source[_pos + 1];
            switch (escape)
            {
                case '"': text.Append('"'); _pos += 2; break;
                case '\\': text.Append('\\'); _pos += 2; break;
                case 'n': text.Append('\n'); _pos += 2; break;
                case 't': text.Append('\t'); _pos += 2; break;
                case 'r': text.Append('\r'); _pos += 2; break;
                case 'u' when _pos + 5 < source.Length && int.TryParse(source.AsSpan(_pos + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    text.Append((char)code);
                    _pos += 6;
                    break;
                default:
                    Error(line, Column, 2, $"Unknown escape '\\{escape}' in text: use \\\" for a quote, \\\\ for a backslash, \\n, \\t or \\uXXXX");
                    _pos += escape == '\n' ? 1 : 2;
                    break;
            }
        }
        _tokens.Add(new Token(TokenKind.Text, text.ToString(), line, column, _pos - start));
    }

    void SingleQuoted()
    {
        var column = Column;
        var start = _pos;
        _pos++;
        while (_pos < source.Length && source[_pos] is not '\'' and not '\n') _pos++;
        var inner = source[(start + 1).._pos];
        if (_pos < source.Length && source[_pos] == '\'') _pos++;
        Error(column, _pos - start, $"Text goes in double quotes: \"{inner}\"");
        _tokens.Add(new Token(TokenKind.Text, inner, _line, column, _pos - start));
    }

    void Symbol()
    {
        var column = Column;
        var c = source[_pos];
        var next = _pos + 1 < source.Length ? source[_pos + 1] : '\0';
        string text;
        switch (c)
        {
            case '(' or ')' or ',': text = c.ToString(); break;
            case '<' when next == '=': text = "<="; break;
            case '>' when next == '=': text = ">="; break;
            case '!' when next == '=': text = "!="; break;
            case '<' when next == '>':
                Error(column, 2, "Use '!=' for 'is not equal to'");
                text = "!=";
                break;
            case '=' when next == '=':
                Error(column, 2, "Use a single '=' to compare");
                text = "=";
                _pos++;
                break;
            case '<' or '>' or '=': text = c.ToString(); break;
            default:
                var what = char.IsControl(c) ? $"U+{(int)c:X4}" : c.ToString();
                Error(column, 1, c == '!'
                    ? "Use 'not' to negate a condition, or '!=' for 'is not equal to'"
                    : $"Unexpected character '{what}': text values go in double quotes, e.g. \"{what}\"");
                _pos++;
                return;
        }
        _pos += text.Length;
        _tokens.Add(new Token(TokenKind.Symbol, text, _line, column, text.Length));
    }

    void Error(int column, int length, string message) => Error(_line, column, length, message);

    void Error(int line, int column, int length, string message) =>
        _errors.Add(new AudienceError(line, column, Math.Max(length, 1), message));
}

/// <summary>ISO-8601 dates and date-times as the language writes them.</summary>
static class AudienceTimes
{
    public static bool TryParse(string text, out TimeValue value)
    {
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            value = new DateValue(date);
            return true;
        }
        if (text.Contains('T', StringComparison.OrdinalIgnoreCase)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var moment))
        {
            value = new DateTimeValue(moment);
            return true;
        }
        value = null!;
        return false;
    }

    public static string Format(TimeValue value) => value switch
    {
        DateValue d => d.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeValue t => t.Value.Offset == TimeSpan.Zero
            ? t.Value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
            : t.Value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        AgoValue a => a.Duration + " ago",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };
}
