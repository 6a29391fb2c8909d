return await SpineReview.Cli.CommandLine.RunConsoleAsync(args);
