using System.Globalization;
using static CommonGround.Cli.Demo.DemoVocabulary;

namespace CommonGround.Cli.Demo;

/// <summary>A business that some customers buy for; sent as a group call.</summary>
sealed record DemoCompany(int Index, string GroupId, string Name, string Domain, string Industry, int Employees);

/// <summary>People at one postal address; they share a surname mostly, sometimes a phone, an e-mail or a device.</summary>
sealed class DemoHousehold
{
    public required int Index { get; init; }
    public required string AddressLine { get; init; }
    public required string PostalCode { get; init; }
    public required City City { get; init; }
    public string? Landline { get; init; }
    public List<DemoPerson> Members { get; } = [];
}

/// <summary>
/// One customer record of the loyalty system. A <see cref="DuplicateOf"/> record is the same person
/// signed up a second time (at a till, with a mistyped or re-cased e-mail): identity resolution's work.
/// </summary>
sealed class DemoPerson
{
    public required int Index { get; init; }
    public required string CustomerId { get; init; }
    public required DemoHousehold Household { get; init; }
    public required string FirstName { get; init; }
    public required string LastName { get; init; }
    public required string Email { get; init; }
    public string? Phone { get; init; }
    public required DateOnly BirthDate { get; init; }
    public required DateTimeOffset MemberSince { get; init; }
    public required string Tier { get; init; }
    public DemoCompany? Company { get; init; }
    public DemoPerson? DuplicateOf { get; init; }

    /// <summary>The e-mail the person had until <see cref="EmailChangedAt"/>, when they changed it.</summary>
    public string? PreviousEmail { get; init; }
    public DateTimeOffset? EmailChangedAt { get; init; }

    /// <summary>The web shop's own account id, for people with an online account.</summary>
    public string? WebUserId { get; init; }

    /// <summary>Whether the web account was linked to the loyalty card (identify carries loyalty_id).</summary>
    public bool WebLinked { get; init; }
}

/// <summary>
/// Everyone in the demo, drawn once from the seed: households, people and companies. Events are
/// drawn later per household, from a generator seeded by the household, so they do not depend on
/// how the work is split.
/// </summary>
sealed class DemoPopulation
{
    public required IReadOnlyList<DemoHousehold> Households { get; init; }
    public required IReadOnlyList<DemoPerson> People { get; init; }
    public required IReadOnlyList<DemoCompany> Companies { get; init; }

    public static DemoPopulation Create(int customers, int seed, DateTimeOffset now)
    {
        var rng = new Random(seed);
        var companies = new List<DemoCompany>();
        for (var i = 0; i < Math.Max(5, customers / 60); i++)
        {
            var (name, domain, industry) = Company(i);
            companies.Add(new DemoCompany(i, $"biz-{i + 1:D5}", name, domain, industry, 2 + (int)(Math.Pow(rng.NextDouble(), 3) * 400)));
        }
        var cityWeights = Cities.Select(c => c.Weight).ToArray();
        var emails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var households = new List<DemoHousehold>();
        var people = new List<DemoPerson>(customers);

        while (people.Count < customers)
        {
            var city = Cities[Pick(rng, cityWeights)];
            var household = new DemoHousehold
            {
                Index = households.Count,
                AddressLine = $"{1 + rng.Next(rng.Next(10) == 0 ? 400 : 120)} {Streets[rng.Next(Streets.Length)]}",
                PostalCode = $"{city.PostcodeArea}{1 + rng.Next(20)} {rng.Next(10)}{(char)('A' + rng.Next(26))}{(char)('A' + rng.Next(26))}",
                City = city,
                Landline = rng.Next(100) < 30 ? $"{city.DiallingCode} {Digits(rng, 11 - city.DiallingCode.Length)}" : null,
            };
            households.Add(household);
            var size = rng.Next(100) switch { < 44 => 1, < 78 => 2, < 91 => 3, _ => 4 };
            var surname = Surnames[rng.Next(Surnames.Length)];
            for (var m = 0; m < size && people.Count < customers; m++)
            {
                var lastName = m > 0 && rng.Next(100) < 15 ? Surnames[rng.Next(Surnames.Length)] : surname;
                var person = NewPerson(rng, people.Count, household, m, lastName, companies, emails, now);
                household.Members.Add(person);
                people.Add(person);
            }
            // The same person signed up twice: same name and address, an e-mail with a typo or in other case.
            if (people.Count < customers && rng.Next(100) < 6)
            {
                var original = household.Members[rng.Next(household.Members.Count)];
                var duplicate = Duplicate(rng, people.Count, original, now);
                household.Members.Add(duplicate);
                people.Add(duplicate);
            }
        }
        return new DemoPopulation { Households = households, People = people, Companies = companies };
    }

    static DemoPerson NewPerson(Random rng, int index, DemoHousehold household, int member, string lastName,
        List<DemoCompany> companies, HashSet<string> emails, DateTimeOffset now)
    {
        var firstName = FirstNames[rng.Next(FirstNames.Length)];
        var age = member < 2 ? 20 + rng.Next(60) : 18 + rng.Next(12);
        var birth = DateOnly.FromDateTime(now.UtcDateTime).AddYears(-age).AddDays(-rng.Next(365));
        var company = member < 2 && rng.Next(100) < 12 ? companies[Skewed(rng, companies.Count)] : null;
        // A second adult sometimes uses the household's shared address rather than one of their own.
        var first = household.Members.Count > 0 ? household.Members[0] : null;
        string email;
        if (company is null && first is { Company: null, DuplicateOf: null } && rng.Next(100) < 15)
        {
            email = first.Email;
        }
        else
        {
            email = company is null
                ? UniqueEmail(rng, ConsumerLocalPart(rng, firstName, lastName, birth.Year), ConsumerDomain(rng), emails)
                : UniqueEmail(rng, Slug(firstName) + "." + Slug(lastName), company.Domain, emails);
        }
        string? phone = rng.Next(100) switch
        {
            < 8 => null,
            < 30 when household.Landline is not null => household.Landline,
            _ => Mobile(rng),
        };
        var memberSince = now.AddDays(-7 - rng.Next(6 * 365));
        string? previousEmail = null;
        DateTimeOffset? changedAt = null;
        if (email != first?.Email && company is null && rng.Next(100) < 4)
        {
            previousEmail = UniqueEmail(rng, ConsumerLocalPart(rng, firstName, lastName, birth.Year), ConsumerDomain(rng), emails);
            changedAt = now.AddDays(-5 - rng.Next(70)).AddMinutes(-rng.Next(1440));
        }
        var web = rng.Next(100) < 62;
        return new DemoPerson
        {
            Index = index,
            CustomerId = CustomerId(index),
            Household = household,
            FirstName = firstName,
            LastName = lastName,
            Email = email,
            Phone = phone,
            BirthDate = birth,
            MemberSince = memberSince,
            Tier = Tiers[rng.Next(100) switch { < 55 => 0, < 83 => 1, < 96 => 2, _ => 3 }],
            Company = company,
            PreviousEmail = previousEmail,
            EmailChangedAt = changedAt,
            WebUserId = web ? "wu_" + DemoIds.Hex(DemoIds.Mix((ulong)index * 7919 + 17), 10) : null,
            WebLinked = web && rng.Next(100) < 70,
        };
    }

    static DemoPerson Duplicate(Random rng, int index, DemoPerson original, DateTimeOffset now) => new()
    {
        Index = index,
        CustomerId = CustomerId(index),
        Household = original.Household,
        FirstName = rng.Next(100) < 80 ? original.FirstName : original.FirstName.ToUpperInvariant(),
        LastName = original.LastName,
        Email = MisspelledEmail(rng, original.Email),
        Phone = rng.Next(100) < 60 ? original.Phone : null,
        BirthDate = original.BirthDate,
        MemberSince = now.AddDays(-3 - rng.Next(2 * 365)),
        Tier = Tiers[0],
        DuplicateOf = original,
    };

    public static string CustomerId(int index) => "LC" + (1_000_001 + index).ToString(CultureInfo.InvariantCulture);

    /// <summary>Another customer's e-mail as it gets mistyped: different case, a provider typo, a dropped letter.</summary>
    static string MisspelledEmail(Random rng, string email)
    {
        var at = email.IndexOf('@');
        var (local, domain) = (email[..at], email[(at + 1)..]);
        switch (rng.Next(4))
        {
            case 0:
                return char.ToUpperInvariant(local[0]) + local[1..] + "@" + char.ToUpperInvariant(domain[0]) + domain[1..];
            case 1 when DomainTypos.TryGetValue(domain, out var typos):
                return local + "@" + typos[rng.Next(typos.Length)];
            case 2 when local.Length > 4:
                var drop = 1 + rng.Next(local.Length - 2);
                return local.Remove(drop, 1) + "@" + domain;
            default:
                return email.ToUpperInvariant();
        }
    }

    static string ConsumerLocalPart(Random rng, string first, string last, int birthYear)
    {
        var (f, l) = (Slug(first), Slug(last));
        return rng.Next(8) switch
        {
            0 => f + "." + l,
            1 => f + l,
            2 => f[0] + "." + l,
            3 => f + "_" + l,
            4 => f + "." + l + (birthYear % 100).ToString("D2", CultureInfo.InvariantCulture),
            5 => f + birthYear.ToString(CultureInfo.InvariantCulture),
            6 => l + "." + f,
            _ => f + "." + l + rng.Next(1, 100).ToString(CultureInfo.InvariantCulture),
        };
    }

    static string ConsumerDomain(Random rng)
    {
        var roll = rng.Next(100);
        foreach (var (domain, weight) in ConsumerDomains)
        {
            if (roll < weight) return domain;
            roll -= weight;
        }
        return ConsumerDomains[0].Domain;
    }

    static string UniqueEmail(Random rng, string local, string domain, HashSet<string> taken)
    {
        var email = local + "@" + domain;
        while (!taken.Add(email)) email = local + rng.Next(2, 1000).ToString(CultureInfo.InvariantCulture) + "@" + domain;
        return email;
    }

    static string Slug(string name)
    {
        Span<char> buffer = stackalloc char[name.Length];
        var n = 0;
        foreach (var c in name)
            if (char.IsAsciiLetterOrDigit(c)) buffer[n++] = char.ToLowerInvariant(c);
        return new string(buffer[..n]);
    }

    /// <summary>UK mobile numbers, written the three ways people type them.</summary>
    static string Mobile(Random rng)
    {
        var digits = "7" + Digits(rng, 9);
        return rng.Next(3) switch
        {
            0 => $"0{digits[..4]} {digits[4..]}",
            1 => $"+44 {digits[..4]} {digits[4..]}",
            _ => "0" + digits,
        };
    }

    static string Digits(Random rng, int count)
    {
        Span<char> buffer = stackalloc char[count];
        for (var i = 0; i < count; i++) buffer[i] = (char)('0' + rng.Next(10));
        return new string(buffer);
    }

    /// <summary>An index in [0, count) where low indexes are far more likely (a few big accounts, many small).</summary>
    static int Skewed(Random rng, int count) => Math.Min(count - 1, (int)(Math.Pow(rng.NextDouble(), 2.2) * count));

    public static int Pick(Random rng, int[] weights)
    {
        var roll = rng.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            if (roll < weights[i]) return i;
            roll -= weights[i];
        }
        return weights.Length - 1;
    }
}

/// <summary>Stable ids from numbers: the same seed gives the same device ids and message ids every time.</summary>
static class DemoIds
{
    /// <summary>SplitMix64's finaliser: a good 64-bit scramble of a counter.</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    public static ulong Mix(int seed, int kind, long a, long b) =>
        Mix(Mix(Mix((ulong)seed * 0x100000001B3UL + (ulong)kind) ^ (ulong)a) ^ (ulong)b);

    /// <summary>A UUID-shaped id (version 4 layout), as browsers' analytics libraries make them.</summary>
    public static string Uuid(int seed, int kind, long a, long b)
    {
        var hi = Mix(seed, kind, a, b);
        var lo = Mix(hi ^ 0x5DEECE66DUL);
        hi = (hi & 0xFFFFFFFFFFFF0FFFUL) | 0x0000000000004000UL;
        lo = (lo & 0x3FFFFFFFFFFFFFFFUL) | 0x8000000000000000UL;
        var h = hi.ToString("x16", CultureInfo.InvariantCulture);
        var l = lo.ToString("x16", CultureInfo.InvariantCulture);
        return $"{h[..8]}-{h[8..12]}-{h[12..]}-{l[..4]}-{l[4..]}";
    }

    public static string Hex(ulong value, int length) => value.ToString("x16", CultureInfo.InvariantCulture)[..length];
}
