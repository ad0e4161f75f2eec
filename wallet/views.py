from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def wallet_home(request):
    return render(request, "wallet/home.html")
