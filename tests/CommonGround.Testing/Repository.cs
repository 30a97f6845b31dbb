namespace CommonGround.Testing;

/// <summary>Finds the repository, the shared data sets beside it, and the built CLI.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CommonGround.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("Tests must run inside the repository (no CommonGround.slnx found above " + AppContext.BaseDirectory + ").");
    }

    /// <summary>A file of the public data sets kept beside the repository (../shared/data), or a skip saying it is absent.</summary>
    public static string SharedData(string relativePath)
    {
        var path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "data", relativePath));
        if (!File.Exists(path)) Xunit.Assert.Skip($"The data set file {relativePath} is not present under ../shared/data beside the repository.");
        return path;
    }

    /// <summary>The commonground CLI built beside the test assembly's configuration (Debug or Release).</summary>
    public static string CliDll()
    {
        var parts = AppContext.BaseDirectory.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var bin = Array.LastIndexOf(parts, "bin");
        var configuration = bin >= 0 && bin + 1 < parts.Length ? parts[bin + 1] : "Debug";
        var dll = Path.Combine(Root, "src", "CommonGround.Cli", "bin", configuration, "net10.0", "linux-x64", "commonground.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first; the CLI is missing.", dll);
    }

    /// <summary>The folder with the real third-party clients (npm install has run there: ./test.sh does it).</summary>
    public static string ClientsFolder()
    {
        var folder = Path.Combine(Root, "tests", "clients");
        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            const string reason = "tests/clients/node_modules is missing: run ./test.sh (it runs npm ci there).";
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 }) Xunit.Assert.Fail(reason);
            Xunit.Assert.Skip(reason);
        }
        return folder;
    }
}
