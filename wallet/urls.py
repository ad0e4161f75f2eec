from django.urls import path

from . import views

urlpatterns = [
    path("", views.wallet_home, name="wallet_home"),
    path("import/", views.import_badges, name="import_badges"),
    path("import/<uuid:public_id>/", views.import_status, name="import_status"),
    path("portfolios/", views.portfolio_list, name="portfolio_list"),
    path("portfolios/<int:pk>/", views.portfolio_detail, name="portfolio_detail"),
    path("portfolios/<int:pk>/badges/", views.portfolio_badges, name="portfolio_badges"),
    path("portfolios/<int:pk>/move/", views.portfolio_move, name="portfolio_move"),
    path("portfolios/<int:pk>/order/", views.portfolio_order, name="portfolio_order"),
    path("portfolios/<int:pk>/reset-link/", views.portfolio_reset_link, name="portfolio_reset_link"),
    path("portfolios/<int:pk>/delete/", views.portfolio_delete, name="portfolio_delete"),
    path("portfolios/<int:pk>/links/", views.share_link_create, name="share_link_create"),
    path("portfolios/<int:pk>/links/<int:link_pk>/revoke/", views.share_link_revoke, name="share_link_revoke"),
    path("portfolios/<int:pk>/print/", views.portfolio_print, name="portfolio_print"),
    path("portfolios/<int:pk>/print/<uuid:snapshot_id>/", views.portfolio_printout, name="portfolio_printout"),
]
