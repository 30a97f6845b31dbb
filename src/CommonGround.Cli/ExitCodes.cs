namespace CommonGround.Cli;

/// <summary>What the commonground command returns; documented in --help and docs/cli.md.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The command failed (a message says why).</summary>
    public const int Failed = 1;

    /// <summary>The command line or an input file is wrong: fix it and run again.</summary>
    public const int BadInput = 2;

    /// <summary>The store could not be opened or reached (locked by a running server, PostgreSQL down).</summary>
    public const int StoreUnavailable = 3;

    /// <summary>An import finished but some rows were rejected; they are in the rejects file.</summary>
    public const int CompletedWithRejects = 4;
}
