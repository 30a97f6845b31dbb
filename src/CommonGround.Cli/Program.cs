using CommonGround.Cli;

return await CliApp.RunAsync(args);
