using CommonGround.Web.Hosting;

var app = await CommonGroundApp.CreateAsync(args);
await app.RunAsync();
