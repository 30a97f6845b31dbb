namespace CommonGround.Audiences;

/// <summary>Which audiences a rule refers to ("in audience"), and whether saving it would make one include itself. Stateless.</summary>
public static class AudienceReferences
{
    /// <summary>The audience names the rule refers to directly, in order, without repeats.</summary>
    public static IReadOnlyList<string> Of(AudienceDefinition definition)
    {
        var names = new List<string>();
        void Walk(Condition c)
        {
            switch (c)
            {
                case AndCondition a: Walk(a.Left); Walk(a.Right); break;
                case OrCondition o: Walk(o.Left); Walk(o.Right); break;
                case NotCondition n: Walk(n.Operand); break;
                case AudienceMembership m when !names.Contains(m.Audience, StringComparer.Ordinal): names.Add(m.Audience); break;
            }
        }
        Walk(definition.Rule);
        return names;
    }

    /// <summary>
    /// The chain of names by which audience <paramref name="name"/>, with this rule, would include
    /// itself ("a", "b", "a"); null when it would not. Other audiences' rules come from <paramref name="rules"/>.
    /// </summary>
    public static IReadOnlyList<string>? Cycle(string name, AudienceDefinition definition, Func<string, AudienceDefinition?> rules)
    {
        var path = new List<string> { name };
        var done = new HashSet<string>(StringComparer.Ordinal);
        bool Visit(AudienceDefinition rule)
        {
            foreach (var next in Of(rule))
            {
                if (next == name) { path.Add(next); return true; }
                if (path.Contains(next, StringComparer.Ordinal) || !done.Add(next) || rules(next) is not { } other) continue;
                path.Add(next);
                if (Visit(other)) return true;
                path.RemoveAt(path.Count - 1);
            }
            return false;
        }
        return Visit(definition) ? path : null;
    }
}
