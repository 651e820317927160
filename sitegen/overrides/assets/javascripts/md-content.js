// Material for MkDocs' inline after-content scripts (partials/javascripts/content.html): with
// content.tabs.link, reopen the tab last chosen; open the tab a link's #fragment points at.
// Keep in step with the theme's version.
(() => {
  if (document.currentScript.dataset.tabsLink === "True") {
    var tabs=__md_get("__tabs");if(Array.isArray(tabs))e:for(var set of document.querySelectorAll(".tabbed-set")){var labels=set.querySelector(".tabbed-labels");for(var tab of tabs)for(var label of labels.getElementsByTagName("label"))if(label.innerText.trim()===tab){var input=document.getElementById(label.htmlFor);input.checked=!0;continue e}}
  }
  var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"));
})();
