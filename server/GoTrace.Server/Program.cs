using System.CommandLine;
using GoTrace.Server;

var root = new RootCommand("gotrace: read Go execution traces (the backend of the Go Trace VS Code extension)");
root.Subcommands.Add(DumpCommand.Create());
root.Subcommands.Add(PprofCommand.Create());
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(ReportCommand.Create());
return root.Parse(args).Invoke();
