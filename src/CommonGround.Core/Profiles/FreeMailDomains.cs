using System.Collections.Frozen;
using System.Reflection;

namespace CommonGround.Profiles;

/// <summary>
/// Consumer mailbox providers (Gmail, Yahoo, Outlook/Hotmail/Live, iCloud, AOL, GMX, web.de, Proton,
/// Mail.ru, Yandex, QQ, 163.com, national ISPs such as BT Internet or Comcast), forwarding services
/// (Sign in with Apple's private relay, DuckDuckGo, Firefox Relay) and disposable-address services: an
/// e-mail at one of them says nothing about where the person works, so it never makes a business.
/// </summary>
/// <remarks>
/// <para>The list is the embedded resource <c>Profiles/FreeMailDomains.txt</c> (several hundred
/// entries, where they come from and how to extend it are in its header). An entry matches the domain and
/// its subdomains ("eu.mailinator.com"); <c>name.*</c> matches the name under any public suffix
/// ("yahoo.com.tw", "hotmail.uk", and the ".co"/".con" a hurried typist leaves); <c>~domain</c> also
/// matches one-letter misspellings of the name under the same suffix ("gmial.com", "hotmial.co.uk",
/// "protonn.me", "gmai.com"), except in the first letter and for provider names shorter than five letters,
/// so "cloud.com" is not taken for "icloud.com" nor "aol.com" guessed at.</para>
/// <para>Loaded once, then immutable; safe to use from any thread.</para>
/// </remarks>
public static class FreeMailDomains
{
    const string ResourceName = "CommonGround.Profiles.FreeMailDomains.txt";
    const int MinimumTypoLength = 5;

    static readonly FrozenSet<string> Exact;
    static readonly FrozenSet<string> AnySuffix;
    static readonly (string Name, string Suffix)[] TypoGuarded;

    static FreeMailDomains()
    {
        var exact = new HashSet<string>(StringComparer.Ordinal);
        var anySuffix = new HashSet<string>(StringComparer.Ordinal);
        var typos = new List<(string, string)>();
        foreach (var entry in Entries())
        {
            if (entry.EndsWith(".*", StringComparison.Ordinal)) anySuffix.Add(entry[..^2]);
            else if (entry.StartsWith('~'))
            {
                var domain = entry[1..];
                exact.Add(domain);
                typos.Add((DomainNames.Name(domain), DomainNames.Suffix(domain)));
            }
            else exact.Add(entry);
        }
        Exact = exact.ToFrozenSet(StringComparer.Ordinal);
        AnySuffix = anySuffix.ToFrozenSet(StringComparer.Ordinal);
        TypoGuarded = [.. typos];
    }

    /// <summary>
    /// True when <paramref name="domain"/> (a host name; an e-mail address is cut at its "@") belongs to a
    /// consumer, forwarding or disposable mail provider. Case-insensitive; false for anything that is not a
    /// domain.
    /// </summary>
    public static bool Contains(string domain)
    {
        var host = domain?.Trim().TrimStart('@') ?? "";
        var at = host.LastIndexOf('@');
        if (at >= 0) host = host[(at + 1)..];
        host = host.TrimEnd('.').ToLowerInvariant();
        if (host.Length == 0) return false;

        for (var parent = host; ; parent = parent[(parent.IndexOf('.', StringComparison.Ordinal) + 1)..])
        {
            if (Exact.Contains(parent)) return true;
            if (!parent.Contains('.', StringComparison.Ordinal)) break;
        }

        if (DomainNames.Registrable(host) is not { } registrable) return false;
        var name = DomainNames.Name(registrable);
        if (AnySuffix.Contains(name)) return true;
        var suffix = DomainNames.Suffix(registrable);
        foreach (var (guarded, guardedSuffix) in TypoGuarded)
        {
            if (guardedSuffix == suffix && IsTypo(name, guarded)) return true;
        }
        return false;
    }

    /// <summary>The entries of the embedded list: one per line, without comments and blank lines.</summary>
    static IEnumerable<string> Entries()
    {
        using var stream = typeof(FreeMailDomains).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from {typeof(FreeMailDomains).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            var entry = line.Trim().ToLowerInvariant();
            if (entry.Length > 0 && !entry.StartsWith('#')) yield return entry;
        }
    }

    /// <summary>
    /// One edit apart (a letter replaced, dropped, added, or two neighbours swapped), the first letter
    /// right, and the provider's name long enough that one edit is a typo rather than another word.
    /// </summary>
    static bool IsTypo(string name, string guarded)
    {
        if (guarded.Length < MinimumTypoLength) return false;
        if (name[0] != guarded[0] || Math.Abs(name.Length - guarded.Length) > 1 || name == guarded) return false;
        var prefix = 0;
        while (prefix < name.Length && prefix < guarded.Length && name[prefix] == guarded[prefix]) prefix++;
        var a = name.AsSpan(prefix);
        var b = guarded.AsSpan(prefix);
        if (a.Length == b.Length)
        {
            return a[1..].SequenceEqual(b[1..])                                                      // replaced
                || (a.Length >= 2 && a[0] == b[1] && a[1] == b[0] && a[2..].SequenceEqual(b[2..]));  // swapped
        }
        return a.Length > b.Length ? a[1..].SequenceEqual(b) : a.SequenceEqual(b[1..]);             // added, dropped
    }
}
