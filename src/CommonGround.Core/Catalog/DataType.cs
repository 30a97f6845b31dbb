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
