using System.Diagnostics;

namespace GoTrace.Server.Tests;

/// <summary>Runs the built gotrace.dll under `dotnet` as a real process.</summary>
internal static class Gotrace
{
    public static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Server.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    public static (int Exit, byte[] Stdout, string Stderr) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "gotrace.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["TZ"] = "UTC"; // Go's goldens print the wall clock in UTC
        using var p = Process.Start(psi)!;
        var stdout = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"gotrace {string.Join(' ', args)} did not finish within 60 s");
        }
        copy.GetAwaiter().GetResult();
        return (p.ExitCode, stdout.ToArray(), stderr.GetAwaiter().GetResult());
    }

}
