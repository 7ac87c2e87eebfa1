namespace Aid.Api.Pages;

public sealed class ForbiddenModel : AidPageModel
{
    public void OnGet() { }
}
