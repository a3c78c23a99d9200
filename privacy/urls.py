from django.urls import path

from . import views

urlpatterns = [
    path("my/data/", views.my_data, name="my_data"),
    path("my/data/download.json", views.my_data_json, name="my_data_json"),
    path("my/data/erase/", views.erase, name="privacy_erase"),
    path("my/data/erased/", views.erased, name="privacy_erased"),
]
