using System.Text.Json;

namespace CommonGround.Benchmarks;

static class Repository
{
    /// <summary>The folder holding CommonGround.slnx: the current directory or one above it, else above this program.</summary>
    public static string Root()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CommonGround.slnx"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("Run from inside the repository (CommonGround.slnx not found).");
    }
}

static class Machine
{
    public static object Describe()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return new
        {
            cores = Environment.ProcessorCount,
            cpu = model,
            os = System.Runtime.InteropServices.RuntimeInformation.OSDescription,
            runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            loadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
            at = DateTimeOffset.UtcNow,
        };
    }

    /// <summary>The one-minute load average (0 where /proc/loadavg is missing).</summary>
    public static double LoadAverage() => File.Exists("/proc/loadavg")
        ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)
        : 0;
}

static class Output
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Prints the markdown table and writes NAME.json and NAME.md to the output folder.</summary>
    public static void Write(string directory, string name, object summary, string markdown)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, name + ".json"), JsonSerializer.Serialize(summary, Json));
        File.WriteAllText(Path.Combine(directory, name + ".md"), markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"Written to {Path.Combine(directory, name)}.json and .md");
    }
}

/// <summary>What the process used: CPU time and peak resident memory (Linux).</summary>
static class Measure
{
    /// <summary>Resets the kernel's peak resident set (VmHWM) to the current one, so the next reading covers only what follows.</summary>
    public static void ResetPeakWorkingSet()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            // Not Linux, or not allowed: the peak then covers the whole process.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>CPU time of the whole process (all threads: the GC's and DuckDB's included).</summary>
    public static TimeSpan CpuTime()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    public static long PeakWorkingSet()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    public static string MiB(long bytes) => $"{bytes / 1048576.0:N0} MiB";

    /// <summary>"1.25 / 1.31 / 1.28": each run's figure.</summary>
    public static string Join(IEnumerable<double> values, string format) =>
        string.Join(" / ", values.Select(v => v.ToString(format, System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>Plain SQL on a DuckDB connection, for the baselines.</summary>
static class Sql
{
    public static void Execute(DuckDB.NET.Data.DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static long Scalar(DuckDB.NET.Data.DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
