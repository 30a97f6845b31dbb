namespace CommonGround.Catalog;

/// <summary>The four kinds of customer data that the catalog sorts every dataset into.</summary>
public enum DataType
{
    /// <summary>What people do: pages, screens, clicks, product views.</summary>
    Behavioural,

    /// <summary>What people buy and return: orders, refunds.</summary>
    Transactional,

    /// <summary>Who people are: identify traits, customer records, group (business) traits.</summary>
    Profile,

    /// <summary>What people agreed to: consent and subscription changes.</summary>
    Consent,
}

public static class DataTypes
{
    /// <summary>The lower-case name used in storage, the API and the CLI.</summary>
    public static string ToWire(this DataType type) => type switch
    {
        DataType.Behavioural => "behavioural",
        DataType.Transactional => "transactional",
        DataType.Profile => "profile",
        DataType.Consent => "consent",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParse(string? wire, out DataType type)
    {
        switch (wire?.Trim().ToLowerInvariant())
        {
            case "behavioural" or "behavioral": type = DataType.Behavioural; return true;
            case "transactional": type = DataType.Transactional; return true;
            case "profile": type = DataType.Profile; return true;
            case "consent": type = DataType.Consent; return true;
            default: type = default; return false;
        }
    }

    public static DataType Parse(string wire) => TryParse(wire, out var type)
        ? type
        : throw new InvalidDataException($"Unknown data type '{wire}'.");
}
