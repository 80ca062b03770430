from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="index"),
    path("<uuid:reference>/", views.agreement, name="agreement"),
    path("<uuid:reference>/conditions/", views.terms, name="terms"),
    path("<uuid:reference>/tranches/", views.add_tranche, name="add_tranche"),
    path("<uuid:reference>/signer/", views.sign, name="sign"),
    path("<uuid:reference>/tranches/<int:position>/demander/", views.request_payment, name="request_payment"),
    path("<uuid:reference>/tranches/<int:position>/versee/", views.record_payment, name="record_payment"),
    path("<uuid:reference>/rapports/<int:number>/", views.report, name="report"),
    path("<uuid:reference>/rapports/<int:number>/instruction/", views.review_report, name="review_report"),
]
