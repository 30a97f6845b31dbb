using System.Globalization;

namespace CommonGround.Audiences;

/// <summary>
/// Recursive-descent parser of the audience language (grammar in docs/audiences.md). Stops at the
/// first syntax error, after reporting every lexical one. One instance per text; not thread-safe.
/// </summary>
sealed class AudienceParser
{
    const string ConditionExample = "e.g. city = \"London\"";

    static readonly string[] ConditionKeywords = ["not", "count", "sum", "avg", "min", "max", "did", "no", "first", "last", "consent", "has", "in", "household", "business"];
    internal static readonly string[] TraitKeywords = ["in", "not", "contains", "is", "since", "before", "between"];
    static readonly string[] Units = ["days", "weeks", "months", "years", "hours", "day", "week", "month", "year", "hour"];

    readonly List<Token> _tokens;
    readonly SourceMap _map = new();
    int _index;

    AudienceParser(List<Token> tokens) => _tokens = tokens;

    Token Current => _tokens[_index];

    Token Peek(int ahead = 1) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    Token Previous => _tokens[Math.Max(_index - 1, 0)];

    public static AudienceDefinition Parse(string text)
    {
        var (tokens, errors) = new AudienceTokenizer(text).Run();
        if (errors.Count > 0) throw new AudienceSyntaxException(errors);
        var parser = new AudienceParser(tokens);
        if (parser.Current.Kind == TokenKind.End)
            throw Fail(parser.Current, $"The audience is empty: write at least one condition, {ConditionExample}");
        var rule = parser.Or();
        if (parser.Current.Kind != TokenKind.End) throw parser.Trailing();
        return new AudienceDefinition(rule) { Source = parser._map };
    }

    Exception Trailing()
    {
        var token = Current;
        if (token.IsSymbol(")")) return Fail(token, "This ')' has no matching '('");
        if (token.Kind == TokenKind.Word && Spelling.Closest(token.Text, ["and", "or"]) is { } join)
            return Fail(token, $"Unknown word '{token.Text}'. Did you mean '{join}'?");
        return Fail(token, $"Expected 'and' or 'or' before {token.Describe()}: join each condition to the one before it");
    }

    Condition Or() => Chain("or", And, (left, right) => new OrCondition(left, right));

    Condition And() => Chain("and", Unary, (left, right) => new AndCondition(left, right));

    /// <summary>Operands joined by one operator, left-nested: a and b and c is And(And(a, b), c).</summary>
    Condition Chain(string word, Func<Condition> operand, Func<Condition, Condition, Condition> join)
    {
        var start = Current;
        var left = operand();
        while (Current.IsWord(word))
        {
            _index++;
            left = Mark(join(left, operand()), start);
        }
        return left;
    }

    Condition Unary()
    {
        var start = Current;
        if (Current.IsWord("not"))
        {
            _index++;
            return Mark(new NotCondition(Unary()), start);
        }
        return Primary();
    }

    Condition Primary()
    {
        var start = Current;
        if (start.IsSymbol("("))
        {
            _index++;
            var inner = Or();
            if (Current.IsSymbol(")"))
            {
                _index++;
                return inner;
            }
            if (Current.Kind == TokenKind.End)
                throw Fail(start, "This '(' is never closed: add a ')' after its conditions");
            if (Current.Kind == TokenKind.Word && Spelling.Closest(Current.Text, ["and", "or"]) is { } join)
                throw Fail(Current, $"Unknown word '{Current.Text}'. Did you mean '{join}'?");
            throw Fail(Current, $"Expected ')' to close the '(' at line {start.Line}, column {start.Column}, or 'and'/'or' to add a condition, but found {Current.Describe()}");
        }
        return Mark(Condition(), start);
    }

    Condition Condition()
    {
        var token = Current;
        var next = Peek();
        if (token.Kind == TokenKind.Word)
        {
            var word = token.Text.ToLowerInvariant();
            switch (word)
            {
                case "count" when next.IsWord("of"):
                    return Aggregate(AggregateFunction.Count);
                case "sum" when next.IsWord("of"):
                    return Aggregate(AggregateFunction.Sum);
                case "avg" or "average" when next.IsWord("of"):
                    return Aggregate(AggregateFunction.Average);
                case "min" or "minimum" when next.IsWord("of"):
                    return Aggregate(AggregateFunction.Minimum);
                case "max" or "maximum" when next.IsWord("of"):
                    return Aggregate(AggregateFunction.Maximum);
                case "did" when next.Kind == TokenKind.Text:
                {
                    _index++;
                    var (name, nameToken) = EventName("did");
                    return Part(new EventExists(name, OptionalWindow()), "event", nameToken);
                }
                case "no" when next.Kind == TokenKind.Text:
                {
                    _index++;
                    var (name, nameToken) = EventName("no");
                    var exists = Part(new EventExists(name, OptionalWindow()), "event", nameToken);
                    return Mark(new NotCondition(Mark(exists, nameToken)), token);
                }
                case "first" or "last" when next.Kind == TokenKind.Text:
                {
                    _index++;
                    var (name, nameToken) = EventName(word);
                    var window = OptionalWindow() ?? throw Fail(Current, $"Say when, e.g. {word} \"{name}\" in the last 30 days, or since 2026-01-01");
                    return Part(new EventOccurrence(word == "first" ? Occurrence.First : Occurrence.Last, name, window), "event", nameToken);
                }
                case "consent" when IsName(next):
                    return Consent();
                case "has" when IsName(next):
                {
                    _index++;
                    var type = Current;
                    _index++;
                    // Known types are written as the identity graph names them, whatever the case typed.
                    var name = AudienceValidator.IdentifierTypeNames.FirstOrDefault(t => t.Equals(type.Text, StringComparison.OrdinalIgnoreCase)) ?? type.Text;
                    return Part(new HasIdentifier(name), "identifier", type);
                }
                case "in" when next.IsWord("audience"):
                {
                    _index += 2;
                    if (Current.Kind != TokenKind.Text)
                        throw Fail(Current, "Expected the audience's name in double quotes after 'in audience', e.g. in audience \"lapsed-vips\"");
                    var name = Current;
                    _index++;
                    return Part(new AudienceMembership(name.Text), "audience", name);
                }
                case "household" or "business" when next.IsWord("has"):
                    return Members(word == "household" ? TraitLevel.Household : TraitLevel.Business);
                default:
                    return Trait();
            }
        }
        if (token.Kind == TokenKind.Text)
            throw Fail(token, $"A condition cannot start with text: start with a trait ({ConditionExample}) or an event (did {token.Describe()})");
        var after = _index > 0 ? $" after {Previous.Describe()}" : "";
        throw Fail(token, $"Expected a condition{after}, {ConditionExample}, but found {token.Describe()}");
    }

    /// <summary>A name after 'consent' or 'has', rather than the start of a comparison of a trait called so.</summary>
    static bool IsName(Token token) =>
        token.Kind == TokenKind.Text || (token.Kind == TokenKind.Word && !TraitKeywords.Contains(token.Text, StringComparer.OrdinalIgnoreCase));

    Condition Aggregate(AggregateFunction function)
    {
        var keyword = Current.Text.ToLowerInvariant();
        _index += 2;
        string? property = null;
        Token propertyToken = default;
        if (function != AggregateFunction.Count)
        {
            if (Current.Kind != TokenKind.Word)
                throw Fail(Current, $"Expected the event property to add up after '{keyword} of', e.g. {keyword} of revenue in \"Order Completed\"");
            propertyToken = Current;
            property = Current.Text;
            _index++;
            if (!Current.IsWord("in"))
                throw Fail(Current, $"Expected 'in' and the event's name after '{property}', e.g. {keyword} of {property} in \"Order Completed\"");
            _index++;
        }
        var (name, nameToken) = EventName(function == AggregateFunction.Count ? "count of" : "in");
        var window = OptionalWindow();
        var op = Operator($"Expected a comparison after \"{name}\", e.g. >= 2");
        var threshold = Number(op);
        var aggregate = new EventAggregate(function, name, op.Operator, threshold, property, window);
        Part(aggregate, "event", nameToken);
        return property is null ? aggregate : Part(aggregate, "property", propertyToken);
    }

    (string Name, Token Token) EventName(string after)
    {
        var token = Current;
        if (token.Kind != TokenKind.Text)
            throw Fail(token, $"Expected the event's name in double quotes after '{after}', e.g. \"Order Completed\"");
        _index++;
        return (token.Text, token);
    }

    Condition Consent()
    {
        _index++;
        var channel = Current;
        _index++;
        if (!Current.IsWord("for"))
            throw Fail(Current, $"Expected 'for' and a purpose after 'consent {channel.Text}', e.g. consent {channel.Text} for marketing");
        _index++;
        if (Current.Kind is not (TokenKind.Word or TokenKind.Text))
            throw Fail(Current, $"Expected a purpose after 'for', e.g. consent {channel.Text} for marketing");
        var purpose = Current;
        _index++;
        var consent = new ConsentGiven(channel.Text.ToLowerInvariant(), purpose.Text.ToLowerInvariant());
        Part(consent, "channel", channel);
        return Part(consent, "purpose", purpose);
    }

    Condition Members(TraitLevel level)
    {
        var levelToken = Current;
        _index += 2;
        ComparisonOperator op;
        if (Current.IsWord("at") && Peek().IsWord("least")) { op = ComparisonOperator.GreaterThanOrEqual; _index += 2; }
        else if (Current.IsWord("at") && Peek().IsWord("most")) { op = ComparisonOperator.LessThanOrEqual; _index += 2; }
        else if (Current.IsWord("exactly")) { op = ComparisonOperator.Equal; _index++; }
        else throw Fail(Current, $"Expected 'at least', 'at most' or 'exactly', e.g. {levelToken.Text.ToLowerInvariant()} has at least 2 members");
        var count = Current;
        if (count.Kind != TokenKind.Number || !int.TryParse(count.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var members))
            throw Fail(count, $"Expected a whole number of members, e.g. {levelToken.Text.ToLowerInvariant()} has at least 2 members");
        _index++;
        if (!(Current.IsWord("members") || Current.IsWord("member")))
            throw Fail(Current, $"Expected 'members' after {members}");
        _index++;
        var trait = new TraitRef(level, "members");
        _map.Add(trait, "", levelToken.Span);
        return new TraitComparison(trait, op, new NumberValue(members));
    }

    Condition Trait()
    {
        var token = Current;
        var trait = TraitRef(token);
        _index++;
        var next = Current;
        if (next.Kind == TokenKind.Symbol && Operators.ContainsKey(next.Text))
        {
            var op = Operator("");
            return new TraitComparison(trait, op.Operator, Value(op.Token, trait));
        }
        if (next.IsWord("in") && Peek().IsSymbol("(")) return List(trait);
        if (next.IsWord("not") && Peek().IsWord("in") && Peek(2).IsSymbol("("))
        {
            _index++;
            return new NotCondition(List(trait));
        }
        if (next.IsWord("contains") || (next.IsWord("not") && Peek().IsWord("contains")))
        {
            var negated = next.IsWord("not");
            _index += negated ? 2 : 1;
            if (Current.Kind != TokenKind.Text)
                throw Fail(Current, $"Expected text in double quotes after 'contains', e.g. {token.Text} contains \"Manchester\"");
            var contains = new TraitContains(trait, Current.Text);
            _index++;
            return negated ? new NotCondition(contains) : contains;
        }
        if (next.IsWord("is"))
        {
            _index++;
            if (Current.IsWord("set")) { _index++; return new TraitIsSet(trait); }
            if (Current.IsWord("not") && Peek().IsWord("set")) { _index += 2; return new NotCondition(new TraitIsSet(trait)); }
            if (Current.Kind is TokenKind.Text or TokenKind.Number or TokenKind.Date)
                throw Fail(Current, $"Use '=' to compare a trait with a value, e.g. {token.Text} = {Current.Describe().Replace('\'', '"')}");
            throw Fail(Current, $"Expected 'set' or 'not set' after 'is', e.g. {token.Text} is set");
        }
        if (OptionalWindow() is { } window) return new TraitInWindow(trait, window);

        if (next.Kind != TokenKind.Symbol && Spelling.Closest(token.Text, ConditionKeywords) is { } keyword && !token.Text.Contains('.', StringComparison.Ordinal))
            throw Fail(token, $"Unknown word '{token.Text}'. Did you mean '{keyword}'?");
        if (next.Kind == TokenKind.Word && Spelling.Closest(next.Text, TraitKeywords) is { } near)
            throw Fail(next, $"Unknown word '{next.Text}'. Did you mean '{near}'?");
        throw Fail(next, $"Expected a comparison after '{token.Text}', e.g. {token.Text} = \"London\", {token.Text} in (\"a\", \"b\"), {token.Text} contains \"x\" or {token.Text} is set");
    }

    TraitRef TraitRef(Token token)
    {
        var dot = token.Text.IndexOf('.', StringComparison.Ordinal);
        var level = dot < 0 ? TraitLevel.Person : token.Text[..dot].ToLowerInvariant() switch
        {
            "household" => TraitLevel.Household,
            "business" => TraitLevel.Business,
            _ => TraitLevel.Person,
        };
        var trait = new TraitRef(level, level == TraitLevel.Person ? token.Text : token.Text[(dot + 1)..]);
        _map.Add(trait, "", token.Span);
        return trait;
    }

    Condition List(TraitRef trait)
    {
        _index += 2;
        var values = new List<AudienceValue>();
        while (true)
        {
            values.Add(Value(Previous, trait));
            if (Current.IsSymbol(",")) { _index++; continue; }
            if (Current.IsSymbol(")")) { _index++; break; }
            throw Fail(Current, Current.Kind == TokenKind.End
                ? "The list is never closed: add a ')' after its last value"
                : $"Expected ',' or ')' in the list, but found {Current.Describe()}");
        }
        return new TraitIn(trait, values);
    }

    AudienceValue Value(Token after, TraitRef trait)
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Text:
                _index++;
                return new TextValue(token.Text);
            case TokenKind.Date:
                _index++;
                AudienceTimes.TryParse(token.Text, out var time);
                return time;
            case TokenKind.Number when Peek().Kind == TokenKind.Word && IsUnit(Peek().Text):
                return new AgoValue(Ago(after));
            case TokenKind.Number:
                _index++;
                return new NumberValue(ParseNumber(token));
            case TokenKind.Word when token.IsWord("true") || token.IsWord("false"):
                _index++;
                return new BooleanValue(token.IsWord("true"));
            case TokenKind.Word:
                throw Fail(token, $"Text values go in double quotes, e.g. {trait} {Describe(after)} \"{token.Text}\"");
            default:
                throw Fail(token, $"Expected a value after {after.Describe()}, e.g. \"gold\", 3, true, 2026-01-01 or 90 days ago");
        }
    }

    static string Describe(Token token) => token.Kind == TokenKind.Symbol ? token.Text : token.Text.ToLowerInvariant();

    TimeWindow? OptionalWindow()
    {
        var token = Current;
        if ((token.IsWord("in") || token.IsWord("within")) && (Peek().IsWord("the") || Peek().IsWord("last")))
        {
            _index += Peek().IsWord("the") ? 2 : 1;
            if (!Current.IsWord("last"))
                throw Fail(Current, "Expected 'last' and a duration, e.g. in the last 30 days");
            _index++;
            return new InTheLast(Duration("in the last"));
        }
        if (token.IsWord("since")) { _index++; return new Since(Time("since")); }
        if (token.IsWord("before")) { _index++; return new Before(Time("before")); }
        if (token.IsWord("between"))
        {
            _index++;
            var from = Time("between");
            if (!Current.IsWord("and"))
                throw Fail(Current, $"Expected 'and' and a second date, e.g. between {AudienceTimes.Format(from)} and 2026-12-31");
            _index++;
            return new Between(from, Time("and"));
        }
        return null;
    }

    TimeValue Time(string after)
    {
        var token = Current;
        if (token.Kind == TokenKind.Date)
        {
            _index++;
            AudienceTimes.TryParse(token.Text, out var time);
            return time;
        }
        if (token.Kind == TokenKind.Number) return new AgoValue(Ago(token));
        throw Fail(token, $"Expected a date or a time ago after '{after}', e.g. {after} 2026-01-01 or {after} 90 days ago");
    }

    Duration Ago(Token after)
    {
        var duration = Duration(after.Text);
        if (!Current.IsWord("ago"))
            throw Fail(Current, $"Expected 'ago' after '{duration}': a point in time is written as {duration} ago");
        _index++;
        return duration;
    }

    Duration Duration(string after)
    {
        var amount = Current;
        if (amount.Kind != TokenKind.Number || !int.TryParse(amount.Text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
            throw Fail(amount, $"Expected a whole number of days, weeks, months or years after '{after}', e.g. 30 days");
        _index++;
        var unit = Current;
        if (unit.Kind != TokenKind.Word || !IsUnit(unit.Text))
        {
            var hint = unit.Kind == TokenKind.Word ? Spelling.Suggest(unit.Text, Units) : "";
            throw Fail(unit, $"Expected a unit after {count}: hours, days, weeks, months or years.{hint}".TrimEnd());
        }
        _index++;
        return new Duration(count, unit.Text.ToLowerInvariant().TrimEnd('s') switch
        {
            "hour" => DurationUnit.Hours,
            "day" => DurationUnit.Days,
            "week" => DurationUnit.Weeks,
            "month" => DurationUnit.Months,
            _ => DurationUnit.Years,
        });
    }

    static bool IsUnit(string word) => Units.Contains(word, StringComparer.OrdinalIgnoreCase);

    static readonly Dictionary<string, ComparisonOperator> Operators = new()
    {
        ["="] = ComparisonOperator.Equal,
        ["!="] = ComparisonOperator.NotEqual,
        ["<"] = ComparisonOperator.LessThan,
        ["<="] = ComparisonOperator.LessThanOrEqual,
        [">"] = ComparisonOperator.GreaterThan,
        [">="] = ComparisonOperator.GreaterThanOrEqual,
    };

    (ComparisonOperator Operator, Token Token) Operator(string message)
    {
        var token = Current;
        if (token.Kind == TokenKind.Symbol && Operators.TryGetValue(token.Text, out var op))
        {
            _index++;
            return (op, token);
        }
        throw Fail(token, $"{message}; found {token.Describe()}");
    }

    decimal Number((ComparisonOperator Operator, Token Token) op)
    {
        var token = Current;
        if (token.Kind != TokenKind.Number)
            throw Fail(token, $"Expected a number after '{op.Token.Text}', e.g. {op.Token.Text} 2");
        _index++;
        return ParseNumber(token);
    }

    static decimal ParseNumber(Token token) =>
        decimal.Parse(token.Text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    T Mark<T>(T node, Token start) where T : notnull
    {
        var end = Previous;
        var length = end.Line == start.Line ? end.Column + end.Length - start.Column : start.Length;
        if (_map.Find(node) is null) _map.Add(node, "", new SourceSpan(start.Line, start.Column, Math.Max(length, 1)));
        return node;
    }

    T Part<T>(T node, string part, Token token) where T : notnull
    {
        _map.Add(node, part, token.Span);
        return node;
    }

    static AudienceSyntaxException Fail(Token token, string message) =>
        new([new AudienceError(token.Line, token.Column, Math.Max(token.Length, 1), message)]);
}
